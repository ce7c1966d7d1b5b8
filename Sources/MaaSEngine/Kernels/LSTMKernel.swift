/// ONNX LSTM (opset 7–22 semantics): forward, reverse or bidirectional, optional bias, peepholes,
/// sequence_lens, initial states, clip and input_forget, both layouts; default activations only
/// (sigmoid for the gates, tanh for the cell input and output).
///
/// The input projection X·Wᵀ + Wb + Rb of every time step and both directions is one GEMM before the
/// time loop; inside the loop each step is one BLAS call (sgemv at batch 1) plus fused elementwise work.
package enum LSTMKernel {
    package struct Dims: Sendable, Hashable {
        package var sequenceLength: Int
        package var batchSize: Int
        package var inputSize: Int
        package var hiddenSize: Int
        package var direction: RecurrentDirection
        package var layout: RecurrentLayout
        /// The packed weights carry a P block (peephole input was given).
        package var hasPeepholes: Bool
        /// ONNX `clip`: gate pre-activations are clamped to ±clip; nil when the attribute is absent.
        package var clip: Float?
        /// ONNX `input_forget = 1`: the forget gate is 1 − input gate.
        package var inputForget: Bool

        package init(sequenceLength: Int, batchSize: Int, inputSize: Int, hiddenSize: Int,
                     direction: RecurrentDirection = .forward, layout: RecurrentLayout = .timeMajor,
                     hasPeepholes: Bool = false, clip: Float? = nil, inputForget: Bool = false) {
            self.sequenceLength = sequenceLength
            self.batchSize = batchSize
            self.inputSize = inputSize
            self.hiddenSize = hiddenSize
            self.direction = direction
            self.layout = layout
            self.hasPeepholes = hasPeepholes
            self.clip = clip
            self.inputForget = inputForget
        }

        var directions: Int { direction.count }
        var gateWidth: Int { 4 * hiddenSize }
    }

    package struct Inputs {
        package var x: UnsafePointer<Float>
        /// From `packWeights`.
        package var weights: UnsafePointer<Float>
        /// [B] valid lengths; nil means every sequence has `sequenceLength` steps.
        package var sequenceLengths: UnsafePointer<Int32>?
        /// Layout as ONNX `initial_h` / `initial_c`; nil means zeros.
        package var initialH: UnsafePointer<Float>?
        package var initialC: UnsafePointer<Float>?

        package init(x: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                     sequenceLengths: UnsafePointer<Int32>? = nil,
                     initialH: UnsafePointer<Float>? = nil, initialC: UnsafePointer<Float>? = nil) {
            self.x = x
            self.weights = weights
            self.sequenceLengths = sequenceLengths
            self.initialH = initialH
            self.initialC = initialC
        }
    }

    /// ONNX outputs Y, Y_h, Y_c; pass nil for those the graph does not use.
    package struct Outputs {
        package var y: UnsafeMutablePointer<Float>?
        package var finalH: UnsafeMutablePointer<Float>?
        package var finalC: UnsafeMutablePointer<Float>?

        package init(y: UnsafeMutablePointer<Float>? = nil, finalH: UnsafeMutablePointer<Float>? = nil,
                     finalC: UnsafeMutablePointer<Float>? = nil) {
            self.y = y
            self.finalH = finalH
            self.finalC = finalC
        }
    }

    // MARK: packed weights

    /// Floats in the packed weight block. Depends only on inputSize, hiddenSize, direction, hasPeepholes.
    ///
    /// Layout: W [D·4H, I] (ONNX order i,o,f,c, directions stacked), R [D, 4H, H],
    /// bias [D·4H] = Wb + Rb, then P [D, 3H] (i,o,f) when `hasPeepholes`.
    package static func packedWeightCount(for dims: Dims) -> Int {
        let d = dims.directions, g = dims.gateWidth, h = dims.hiddenSize
        return d * g * dims.inputSize + d * g * h + d * g + (dims.hasPeepholes ? d * 3 * h : 0)
    }

    /// Packs ONNX W [D, 4H, I], R [D, 4H, H], optional B [D, 8H] and P [D, 3H] into `packed`.
    package static func packWeights(
        w: UnsafePointer<Float>, r: UnsafePointer<Float>, b: UnsafePointer<Float>?, p: UnsafePointer<Float>?,
        dims: Dims, into packed: UnsafeMutablePointer<Float>
    ) {
        let d = dims.directions, g = dims.gateWidth, h = dims.hiddenSize
        let layout = PackedLayout(dims)
        (packed + layout.w).update(from: w, count: d * g * dims.inputSize)
        (packed + layout.r).update(from: r, count: d * g * h)
        let bias = packed + layout.bias
        for direction in 0..<d {
            for j in 0..<g {
                bias[direction * g + j] = b.map { $0[direction * 2 * g + j] + $0[direction * 2 * g + g + j] } ?? 0
            }
        }
        if dims.hasPeepholes {
            let peepholes = packed + layout.peepholes
            if let p { peepholes.update(from: p, count: d * 3 * h) } else { peepholes.update(repeating: 0, count: d * 3 * h) }
        }
    }

    /// The packed block as an array, for the plan compiler.
    package static func packWeights(
        w: UnsafePointer<Float>, r: UnsafePointer<Float>, b: UnsafePointer<Float>?, p: UnsafePointer<Float>?,
        dims: Dims
    ) -> [Float] {
        [Float](unsafeUninitializedCapacity: packedWeightCount(for: dims)) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            packWeights(w: w, r: r, b: b, p: p, dims: dims, into: base)
            count = buffer.count
        }
    }

    struct PackedLayout {
        let w: Int
        let r: Int
        let bias: Int
        let peepholes: Int

        init(_ dims: Dims) {
            let d = dims.directions, g = dims.gateWidth
            w = 0
            r = d * g * dims.inputSize
            bias = r + d * g * dims.hiddenSize
            peepholes = bias + d * g
        }
    }

    // MARK: running

    /// Floats of scratch `run` needs: the projection of all steps, one step's gates, h and c.
    package static func scratchCount(for dims: Dims) -> Int {
        let rows = dims.sequenceLength * dims.batchSize
        return rows * dims.directions * dims.gateWidth + dims.batchSize * dims.gateWidth
            + 2 * dims.batchSize * dims.hiddenSize
    }

    package static func run(_ inputs: Inputs, _ outputs: Outputs, scratch: UnsafeMutablePointer<Float>, dims: Dims) {
        let steps = dims.sequenceLength, batch = dims.batchSize, hidden = dims.hiddenSize
        let directions = dims.directions, g = dims.gateWidth
        guard batch > 0, hidden > 0 else { return }
        let layout = PackedLayout(dims)
        let weights = inputs.weights
        let projection = scratch
        let gates = projection + steps * batch * directions * g
        let h = gates + batch * g
        let c = h + batch * hidden
        let geometry = RecurrentGeometry(
            steps: steps, batch: batch, hidden: hidden, directions: directions, layout: dims.layout,
            sequenceLengths: inputs.sequenceLengths)

        if steps * batch > 0 {
            BiasBroadcast.fill(
                projection, rows: steps * batch, columns: directions * g, from: weights + layout.bias,
                layout: .row, scale: 1)
            MatrixProduct.multiply(
                a: inputs.x, b: weights + layout.w, c: projection,
                dims: .init(m: steps * batch, n: directions * g, k: dims.inputSize, transposeB: true), beta: 1)
        }

        let cell = Cell(hidden: hidden, clip: dims.clip, inputForget: dims.inputForget)
        for direction in 0..<directions {
            let reverse = dims.direction == .reverse || direction == 1
            let recurrence = weights + layout.r + direction * g * hidden
            let peepholes: UnsafePointer<Float>? = dims.hasPeepholes ? weights + layout.peepholes + direction * 3 * hidden : nil
            geometry.loadState(inputs.initialH, into: h, direction: direction)
            geometry.loadState(inputs.initialC, into: c, direction: direction)
            for step in 0..<steps {
                MatrixProduct.multiply(
                    a: h, b: recurrence, c: gates, dims: .init(m: batch, n: g, k: hidden, transposeB: true))
                for row in 0..<batch {
                    guard let time = geometry.time(ofStep: step, row: row, reverse: reverse) else {
                        if let y = outputs.y { geometry.clearOutput(y, time: step, direction: direction, row: row) }
                        continue
                    }
                    let projected = projection + geometry.inputRow(time: time, row: row) * directions * g + direction * g
                    cell.step(
                        gates: gates + row * g, projected: projected, peepholes: peepholes,
                        h: h + row * hidden, c: c + row * hidden)
                    if let y = outputs.y {
                        geometry.storeOutput(h + row * hidden, into: y, time: time, direction: direction, row: row)
                    }
                }
            }
            if let finalH = outputs.finalH { geometry.storeState(h, into: finalH, direction: direction) }
            if let finalC = outputs.finalC { geometry.storeState(c, into: finalC, direction: direction) }
        }
    }

    /// The elementwise part of one LSTM step for one batch row.
    struct Cell {
        let hidden: Int
        let clip: Float?
        let inputForget: Bool

        /// On entry `gates` holds h·Rᵀ for this row; on exit `h` and `c` hold the new state.
        func step(
            gates: UnsafeMutablePointer<Float>, projected: UnsafePointer<Float>, peepholes: UnsafePointer<Float>?,
            h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>
        ) {
            let n = hidden
            let input = gates, output = gates + n, forget = gates + 2 * n, candidate = gates + 3 * n
            for j in 0..<(4 * n) { gates[j] += projected[j] }
            if let peepholes {
                for j in 0..<n {
                    input[j] += peepholes[j] * c[j]
                    forget[j] += peepholes[2 * n + j] * c[j]
                }
                if let clip {
                    clamp(input, count: n, to: clip)
                    clamp(forget, count: 2 * n, to: clip)
                }
                VectorMath.sigmoid(input, input, count: n)
                VectorMath.sigmoid(forget, forget, count: n)
            } else {
                if let clip { clamp(gates, count: 4 * n, to: clip) }
                // Gate order i, o, f puts all three sigmoid gates side by side.
                VectorMath.sigmoid(gates, gates, count: 3 * n)
            }
            VectorMath.tanh(candidate, candidate, count: n)
            if inputForget {
                for j in 0..<n { c[j] = (1 - input[j]) * c[j] + input[j] * candidate[j] }
            } else {
                for j in 0..<n { c[j] = forget[j] * c[j] + input[j] * candidate[j] }
            }
            if let peepholes {
                for j in 0..<n { output[j] += peepholes[n + j] * c[j] }
                if let clip { clamp(output, count: n, to: clip) }
                VectorMath.sigmoid(output, output, count: n)
            }
            VectorMath.tanh(c, candidate, count: n)
            for j in 0..<n { h[j] = output[j] * candidate[j] }
        }

        private func clamp(_ values: UnsafeMutablePointer<Float>, count: Int, to limit: Float) {
            for j in 0..<count { values[j] = min(max(values[j], -limit), limit) }
        }
    }
}
