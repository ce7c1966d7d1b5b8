import MaaSEngine

/// A per-frame fully connected layer `Y = X · W + b` over all T·B frames at once, optionally followed by ReLU.
struct DenseLayer {
    let inputs: Int
    let outputs: Int
    let relu: Bool

    func forward(x: UnsafePointer<Float>, frames: Int, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                 into y: UnsafeMutablePointer<Float>, kernels: VectorKernels) {
        guard frames > 0 else { return }
        Gemm.multiply(x, weights, into: y, m: frames, n: outputs, k: inputs)
        kernels.biasActivationRows(y, bias: bias, rows: frames, columns: outputs, lower: relu ? 0 : -.infinity,
                                   upper: .infinity, negativeSlope: 1)
    }

    /// Given dY (overwritten with the pre-activation gradient when `relu`), writes dW, db and, if asked, dX.
    func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, frames: Int, weights: UnsafePointer<Float>,
                  dY: UnsafeMutablePointer<Float>, ones: UnsafePointer<Float>, dWeights: UnsafeMutablePointer<Float>,
                  dBias: UnsafeMutablePointer<Float>, dX: UnsafeMutablePointer<Float>?) {
        if relu {
            // ReLU passes the gradient where its output is positive (Keras and PyTorch take 0 at exactly 0).
            let count = frames * outputs
            for i in 0..<count { dY[i] = y[i] > 0 ? dY[i] : 0 }
        }
        Gemm.multiply(x, dY, into: dWeights, m: inputs, n: outputs, k: frames, transposeA: true)
        Gemm.columnSums(dY, count: frames, width: outputs, into: dBias, ones: ones)
        if let dX {
            Gemm.multiply(dY, weights, into: dX, m: frames, n: inputs, k: outputs, transposeB: true)
        }
    }
}
