import MaaSEngine

/// A forward LSTM over a time-major batch [T, B, F], with zero initial state and the default activations
/// (σ for the gates, tanh for the cell input and output), as ONNX and Keras define it.
///
/// Matrix work is GEMMs: the input projection of all T·B frames at once, one h·R product per step, and the
/// weight gradients as one product each over all steps. Only the gate arithmetic is elementwise.
struct LSTMLayer {
    let features: Int
    let hidden: Int
    var gates: Int { 4 * hidden }

    /// What the forward pass keeps for the backward pass; each [T·B, …] time-major.
    struct Activations {
        /// Gate activations [i | o | f | g] per frame (after σ / tanh).
        var gates: UnsafeMutablePointer<Float>
        var cells: UnsafeMutablePointer<Float>
        var cellTanh: UnsafeMutablePointer<Float>
        /// The layer's output h per frame.
        var hiddens: UnsafeMutablePointer<Float>
    }

    func forward(x: UnsafePointer<Float>, steps: Int, batch: Int, weights: UnsafePointer<Float>,
                 recurrent: UnsafePointer<Float>, bias: UnsafePointer<Float>, into a: Activations,
                 kernels: VectorKernels) {
        let h = hidden, g = gates, frames = steps * batch
        guard frames > 0 else { return }
        Gemm.multiply(x, weights, into: a.gates, m: frames, n: g, k: features)
        kernels.biasActivationRows(a.gates, bias: bias, rows: frames, columns: g, lower: -.infinity,
                                   upper: .infinity, negativeSlope: 1)
        for t in 0..<steps {
            let stepGates = a.gates + t * batch * g
            if t > 0 {
                Gemm.multiply(a.hiddens + (t - 1) * batch * h, recurrent, into: stepGates, m: batch, n: g, k: h, beta: 1)
            }
            for b in 0..<batch {
                let row = stepGates + b * g
                kernels.sigmoid(inPlace: row, count: 3 * h)
                kernels.tanh(inPlace: row + 3 * h, count: h)
                let input = row, output = row + h, forget = row + 2 * h, candidate = row + 3 * h
                let offset = (t * batch + b) * h
                let c = a.cells + offset
                if t > 0 {
                    let previous = a.cells + offset - batch * h
                    for j in 0..<h { c[j] = forget[j] * previous[j] + input[j] * candidate[j] }
                } else {
                    for j in 0..<h { c[j] = input[j] * candidate[j] }
                }
                kernels.tanh(c, into: a.cellTanh + offset, count: h)
                let ct = a.cellTanh + offset, out = a.hiddens + offset
                for j in 0..<h { out[j] = output[j] * ct[j] }
            }
        }
    }

    /// Backpropagation through time. `dHiddens` [T·B, H] holds the loss gradient with respect to every h and
    /// is used as scratch (each step's recurrent gradient is accumulated onto the previous step's rows).
    /// Writes (overwrites) dW, dR, db; `dGates` [T·B, 4H] and `dCell` [B, H] are scratch; `ones` holds ≥ T·B ones.
    func backward(x: UnsafePointer<Float>, steps: Int, batch: Int, recurrent: UnsafePointer<Float>,
                  activations a: Activations, dHiddens: UnsafeMutablePointer<Float>,
                  dGates: UnsafeMutablePointer<Float>, dCell: UnsafeMutablePointer<Float>, ones: UnsafePointer<Float>,
                  dWeights: UnsafeMutablePointer<Float>, dRecurrent: UnsafeMutablePointer<Float>,
                  dBias: UnsafeMutablePointer<Float>) {
        let h = hidden, g = gates, frames = steps * batch
        dCell.update(repeating: 0, count: batch * h)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            for b in 0..<batch {
                let frame = t * batch + b
                let row = a.gates + frame * g
                let input = row, output = row + h, forget = row + 2 * h, candidate = row + 3 * h
                let dRow = dGates + frame * g
                let dInput = dRow, dOutput = dRow + h, dForget = dRow + 2 * h, dCandidate = dRow + 3 * h
                let dh = dHiddens + frame * h, ct = a.cellTanh + frame * h, dc = dCell + b * h
                for j in 0..<h {
                    let o = output[j], tc = ct[j]
                    dOutput[j] = dh[j] * tc * o * (1 - o)
                    dc[j] += dh[j] * o * (1 - tc * tc)
                }
                for j in 0..<h {
                    let i = input[j], cand = candidate[j]
                    dInput[j] = dc[j] * cand * i * (1 - i)
                    dCandidate[j] = dc[j] * i * (1 - cand * cand)
                }
                if t > 0 {
                    let previous = a.cells + frame * h - batch * h
                    for j in 0..<h {
                        let f = forget[j]
                        dForget[j] = dc[j] * previous[j] * f * (1 - f)
                        dc[j] *= f
                    }
                } else {
                    for j in 0..<h { dForget[j] = 0 }
                }
            }
            if t > 0 {
                // dh_{t−1} += dG_t · Rᵀ
                Gemm.multiply(dGates + t * batch * g, recurrent, into: dHiddens + (t - 1) * batch * h,
                              m: batch, n: h, k: g, transposeB: true, beta: 1)
            }
        }
        Gemm.multiply(x, dGates, into: dWeights, m: features, n: g, k: frames, transposeA: true)
        // h_{t−1} pairs with dG_t; step 0's previous state is zero and contributes nothing.
        Gemm.multiply(a.hiddens, dGates + batch * g, into: dRecurrent, m: h, n: g, k: (steps - 1) * batch,
                      transposeA: true)
        Gemm.columnSums(dGates, count: frames, width: g, into: dBias, ones: ones)
    }
}
