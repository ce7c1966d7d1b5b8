/// ONNX LSTM (opset 7–22 semantics): forward, reverse or bidirectional, optional bias, peepholes,
/// sequence_lens, initial states, clip and input_forget, both layouts; default activations only
/// (sigmoid for the gates, tanh for the cell input and output).
///
/// The input projection X·Wᵀ of every time step and both directions is one GEMM before the time loop.
/// Inside the loop each step is one product (`RecurrentProduct` picks the BLAS calls) that accumulates h·Rᵀ
/// straight onto that step's projection rows, then one fused elementwise pass per batch row that adds
/// Wb + Rb, applies the gates and updates the state.
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
    /// Layout (gate order i, o, f, c as in ONNX):
    ///   Wᵀ   [I, D·4H]   both directions side by side, so the projection is one X·Wᵀ GEMM;
    ///   Rᵀ   [D, H, 4H]  each direction's R transposed: OpenBLAS runs h·Rᵀ fastest from this layout;
    ///   bias [D·4H]      Wb + Rb;
    ///   P    [D, 3H]     (i, o, f) only when `hasPeepholes`.
    package static func packedWeightCount(for dims: Dims) -> Int {
        let d = dims.directions, g = dims.gateWidth, h = dims.hiddenSize
        return d * g * dims.inputSize + d * g * h + d * g + (dims.hasPeepholes ? d * 3 * h : 0)
    }

    /// Packs ONNX W [D, 4H, I], R [D, 4H, H], optional B [D, 8H] and P [D, 3H] into `packed`.
    package static func packWeights(
        w: UnsafePointer<Float>, r: UnsafePointer<Float>, b: UnsafePointer<Float>?, p: UnsafePointer<Float>?,
        dims: Dims, into packed: UnsafeMutablePointer<Float>
    ) {
        let d = dims.directions, g = dims.gateWidth, h = dims.hiddenSize, i = dims.inputSize
        let layout = PackedLayout(dims)
        for direction in 0..<d {
            Packing.transpose(w + direction * g * i, rows: g, columns: i,
                              into: packed + layout.w + direction * g, outputStride: d * g)
            Packing.transpose(r + direction * g * h, rows: g, columns: h,
                              into: packed + layout.r + direction * h * g, outputStride: g)
        }
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
        run(inputs, outputs, scratch: scratch, dims: dims, slices: nil)
    }

    /// `slices` nil: as many as the BLAS thread count allows (see `RowSlices`).
    static func run(_ inputs: Inputs, _ outputs: Outputs, scratch: UnsafeMutablePointer<Float>, dims: Dims,
                    slices: RowSlices?) {
        let steps = dims.sequenceLength, batch = dims.batchSize, hidden = dims.hiddenSize
        let directions = dims.directions, g = dims.gateWidth, width = directions * g
        guard batch > 0, hidden > 0 else { return }
        let layout = PackedLayout(dims)
        let weights = inputs.weights
        let projection = scratch
        let gates = projection + steps * batch * width
        let h = gates + batch * g
        let c = h + batch * hidden
        let geometry = RecurrentGeometry(
            steps: steps, batch: batch, hidden: hidden, directions: directions, layout: dims.layout,
            sequenceLengths: inputs.sequenceLengths)

        if steps * batch > 0 {
            // The bias is added in the cell, where the gates are loaded anyway, rather than broadcast over the
            // whole projection first (a pass over T·B·D·4H floats).
            MatrixProduct.multiply(a: inputs.x, b: weights + layout.w, c: projection,
                                   dims: .init(m: steps * batch, n: width, k: dims.inputSize))
        }
        // Distance between two batch rows' projections at the same time step.
        let rowStride = dims.layout == .timeMajor ? width : steps * width
        let cell = Cell(hidden: hidden, clip: dims.clip, inputForget: dims.inputForget, kernels: .best)
        let uniformLengths = geometry.lengthsAreUniform
        // With every sequence at full length, each step's h is written straight into Y and the next
        // step multiplies from there (rows of one Y time step are `outputStride` apart), saving a copy.
        let writesIntoY = outputs.y != nil && geometry.allRowsFullLength
        let outputStride = dims.layout == .timeMajor ? hidden : steps * directions * hidden

        /// Both directions over the batch rows `rows`, which share nothing with other rows.
        func recur(_ rows: Range<Int>, _ product: RecurrentProduct) {
            let first = rows.lowerBound
            for direction in 0..<directions {
                let reverse = dims.direction == .reverse || direction == 1
                let recurrence = weights + layout.r + direction * hidden * g
                let bias = weights + layout.bias + direction * g
                let peepholes: UnsafePointer<Float>? =
                    dims.hasPeepholes ? weights + layout.peepholes + direction * 3 * hidden : nil
                geometry.loadState(inputs.initialH, into: h, direction: direction, rows: rows)
                geometry.loadState(inputs.initialC, into: c, direction: direction, rows: rows)
                var previous = StateView(base: h, stride: hidden)
                for step in 0..<steps {
                    // Forward passes, and reverse passes over equal lengths, have every row at one time index,
                    // so the step's projection rows form one strided matrix that BLAS can accumulate onto.
                    let sharedTime: Int?? = !reverse ? .some(step)
                        : uniformLengths ? .some(geometry.time(ofStep: step, row: first, reverse: true)) : nil
                    let preactivations: UnsafeMutablePointer<Float>
                    let stride: Int
                    switch sharedTime {
                    case .some(.some(let time)):
                        preactivations = projection + geometry.inputRow(time: time, row: 0) * width + direction * g
                        stride = rowStride
                    case .some(.none):
                        // Every sequence is shorter than this step.
                        if let y = outputs.y {
                            for row in rows { geometry.clearOutput(y, time: step, direction: direction, row: row) }
                        }
                        continue
                    case .none:
                        preactivations = gates
                        stride = g
                        for row in rows {
                            if let time = geometry.time(ofStep: step, row: row, reverse: true) {
                                (gates + row * g).update(
                                    from: projection + geometry.inputRow(time: time, row: row) * width + direction * g,
                                    count: g)
                            }
                        }
                    }
                    product.multiply(a: previous.base + first * previous.stride, lda: previous.stride, b: recurrence,
                                     c: preactivations + first * stride, ldc: stride, beta: 1)
                    let current: StateView
                    if writesIntoY, let y = outputs.y {
                        let time = reverse ? steps - 1 - step : step
                        current = StateView(base: y + geometry.outputOffset(time: time, direction: direction, row: 0),
                                            stride: outputStride)
                    } else {
                        current = StateView(base: h, stride: hidden)
                    }
                    for row in rows {
                        guard let time = geometry.time(ofStep: step, row: row, reverse: reverse) else {
                            if let y = outputs.y { geometry.clearOutput(y, time: step, direction: direction, row: row) }
                            continue
                        }
                        cell.step(preactivations + row * stride, bias: bias, peepholes: peepholes,
                                  h: current.base + row * current.stride, c: c + row * hidden)
                        if let y = outputs.y, !writesIntoY {
                            geometry.storeOutput(h + row * hidden, into: y, time: time, direction: direction, row: row)
                        }
                    }
                    previous = current
                }
                if let finalH = outputs.finalH {
                    for row in rows {
                        (finalH + geometry.stateOffset(direction: direction, row: row))
                            .update(from: previous.base + row * previous.stride, count: hidden)
                    }
                }
                if let finalC = outputs.finalC { geometry.storeState(c, into: finalC, direction: direction, rows: rows) }
            }
        }

        let slices = slices ?? RowSlices(batch: batch, threads: BLASThreading.threadCount) { rows, threads in
            RecurrentProduct(m: rows, n: g, k: hidden, threads: threads)
        }
        slices.run { rows in recur(rows, RecurrentProduct(m: rows.count, n: g, k: hidden, threads: slices.threadsPerSlice)) }
    }
}

/// Where one direction's hidden state lives between steps: the h scratch rows, or a time step of Y.
private struct StateView {
    let base: UnsafeMutablePointer<Float>
    let stride: Int
}
