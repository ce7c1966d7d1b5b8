/// ONNX GRU: forward, reverse or bidirectional, optional bias, sequence_lens, initial state, clip,
/// both layouts, `linear_before_reset` 0 and 1; default activations (sigmoid, tanh) only.
///
/// Like the LSTM, the input projection of all steps is one GEMM before the time loop. With
/// linear_before_reset = 0 the candidate needs (r ⊙ h)·Rhᵀ, so a step makes two BLAS calls.
package enum GRUKernel {
    package struct Dims: Sendable, Hashable {
        package var sequenceLength: Int
        package var batchSize: Int
        package var inputSize: Int
        package var hiddenSize: Int
        package var direction: RecurrentDirection
        package var layout: RecurrentLayout
        package var linearBeforeReset: Bool
        /// ONNX `clip`; nil when absent.
        package var clip: Float?

        package init(sequenceLength: Int, batchSize: Int, inputSize: Int, hiddenSize: Int,
                     direction: RecurrentDirection = .forward, layout: RecurrentLayout = .timeMajor,
                     linearBeforeReset: Bool = false, clip: Float? = nil) {
            self.sequenceLength = sequenceLength
            self.batchSize = batchSize
            self.inputSize = inputSize
            self.hiddenSize = hiddenSize
            self.direction = direction
            self.layout = layout
            self.linearBeforeReset = linearBeforeReset
            self.clip = clip
        }

        var directions: Int { direction.count }
        var gateWidth: Int { 3 * hiddenSize }
    }

    package struct Inputs {
        package var x: UnsafePointer<Float>
        /// From `packWeights`.
        package var weights: UnsafePointer<Float>
        package var sequenceLengths: UnsafePointer<Int32>?
        /// Layout as ONNX `initial_h`; nil means zeros.
        package var initialH: UnsafePointer<Float>?

        package init(x: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                     sequenceLengths: UnsafePointer<Int32>? = nil, initialH: UnsafePointer<Float>? = nil) {
            self.x = x
            self.weights = weights
            self.sequenceLengths = sequenceLengths
            self.initialH = initialH
        }
    }

    /// ONNX outputs Y and Y_h; nil for unused ones.
    package struct Outputs {
        package var y: UnsafeMutablePointer<Float>?
        package var finalH: UnsafeMutablePointer<Float>?

        package init(y: UnsafeMutablePointer<Float>? = nil, finalH: UnsafeMutablePointer<Float>? = nil) {
            self.y = y
            self.finalH = finalH
        }
    }

    // MARK: packed weights

    /// Depends only on inputSize, hiddenSize, direction. Layout (gate order z, r, h as in ONNX):
    ///   Wᵀ   [I, D·3H]  both directions side by side, so the projection is one X·Wᵀ GEMM;
    ///   Rᵀ   [D, H, 3H] each direction's R transposed;
    ///   bias [D·3H]     added to the projection;
    ///   Rbh  [D, H]     recurrent candidate bias (zeros unless linear_before_reset = 1).
    package static func packedWeightCount(for dims: Dims) -> Int {
        let d = dims.directions, g = dims.gateWidth
        return d * g * dims.inputSize + d * g * dims.hiddenSize + d * g + d * dims.hiddenSize
    }

    /// Packs ONNX W [D, 3H, I], R [D, 3H, H] and optional B [D, 6H].
    ///
    /// Rbz and Rbr always fold into the projection bias. Rbh folds there too when
    /// linear_before_reset = 0; with 1 it must stay inside r ⊙ (h·Rhᵀ + Rbh), so it is kept apart.
    package static func packWeights(
        w: UnsafePointer<Float>, r: UnsafePointer<Float>, b: UnsafePointer<Float>?,
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
        let bias = packed + layout.bias, candidateBias = packed + layout.candidateBias
        for direction in 0..<d {
            let wb = b.map { $0 + direction * 2 * g }, rb = b.map { $0 + direction * 2 * g + g }
            for j in 0..<g {
                let keepApart = dims.linearBeforeReset && j >= 2 * h
                bias[direction * g + j] = (wb?[j] ?? 0) + (keepApart ? 0 : rb?[j] ?? 0)
            }
            for j in 0..<h {
                candidateBias[direction * h + j] = dims.linearBeforeReset ? rb?[2 * h + j] ?? 0 : 0
            }
        }
    }

    /// The packed block as an array, for the plan compiler.
    package static func packWeights(
        w: UnsafePointer<Float>, r: UnsafePointer<Float>, b: UnsafePointer<Float>?, dims: Dims
    ) -> [Float] {
        [Float](unsafeUninitializedCapacity: packedWeightCount(for: dims)) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            packWeights(w: w, r: r, b: b, dims: dims, into: base)
            count = buffer.count
        }
    }

    struct PackedLayout {
        let w: Int
        let r: Int
        let bias: Int
        let candidateBias: Int

        init(_ dims: Dims) {
            let d = dims.directions, g = dims.gateWidth
            w = 0
            r = d * g * dims.inputSize
            bias = r + d * g * dims.hiddenSize
            candidateBias = bias + d * g
        }
    }

    // MARK: running

    /// Floats of scratch: projection of all steps, one step's gates, h, and r ⊙ h.
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
        let resetHidden = h + batch * hidden
        let geometry = RecurrentGeometry(
            steps: steps, batch: batch, hidden: hidden, directions: directions, layout: dims.layout,
            sequenceLengths: inputs.sequenceLengths)

        if steps * batch > 0 {
            BiasBroadcast.fill(projection, rows: steps * batch, columns: width, from: weights + layout.bias,
                               layout: .row, scale: 1)
            MatrixProduct.multiply(a: inputs.x, b: weights + layout.w, c: projection,
                                   dims: .init(m: steps * batch, n: width, k: dims.inputSize), beta: 1)
        }

        let cell = Cell(hidden: hidden, clip: dims.clip, kernels: .best)

        /// Both directions over the batch rows `rows`, which share nothing with other rows.
        func recur(_ rows: Range<Int>, threads: Int) {
            let first = rows.lowerBound, count = rows.count
            let whole = RecurrentProduct(m: count, n: g, k: hidden, threads: threads)
            let updateAndReset = RecurrentProduct(m: count, n: 2 * hidden, k: hidden, ldb: g, threads: threads)
            let candidate = RecurrentProduct(m: count, n: hidden, k: hidden, ldb: g, threads: threads)
            let h0 = h + first * hidden, gates0 = gates + first * g, resetHidden0 = resetHidden + first * hidden
            for direction in 0..<directions {
                let reverse = dims.direction == .reverse || direction == 1
                let recurrence = weights + layout.r + direction * hidden * g
                let candidateBias = weights + layout.candidateBias + direction * hidden
                geometry.loadState(inputs.initialH, into: h, direction: direction, rows: rows)
                for step in 0..<steps {
                    if dims.linearBeforeReset {
                        whole.multiply(a: h0, lda: hidden, b: recurrence, c: gates0, ldc: g, beta: 0)
                        for row in rows {
                            guard let time = geometry.time(ofStep: step, row: row, reverse: reverse) else { continue }
                            let projected = projection + geometry.inputRow(time: time, row: row) * width + direction * g
                            cell.linearBeforeResetStep(gates + row * g, projected: projected,
                                                       candidateBias: candidateBias, h: h + row * hidden)
                        }
                    } else {
                        // z and r first; the candidate's product needs r ⊙ h. Rᵀ's column blocks are read
                        // in place through ldb, and results land in their gate block through ldc.
                        updateAndReset.multiply(a: h0, lda: hidden, b: recurrence, c: gates0, ldc: g, beta: 0)
                        for row in rows {
                            guard let time = geometry.time(ofStep: step, row: row, reverse: reverse) else { continue }
                            let projected = projection + geometry.inputRow(time: time, row: row) * width + direction * g
                            cell.updateAndReset(gates + row * g, projected: projected, h: h + row * hidden,
                                                resetHidden: resetHidden + row * hidden)
                        }
                        candidate.multiply(a: resetHidden0, lda: hidden, b: recurrence + 2 * hidden,
                                           c: gates0 + 2 * hidden, ldc: g, beta: 0)
                        for row in rows {
                            guard let time = geometry.time(ofStep: step, row: row, reverse: reverse) else { continue }
                            let projected = projection + geometry.inputRow(time: time, row: row) * width + direction * g
                            cell.candidateStep(gates + row * g, projected: projected, h: h + row * hidden)
                        }
                    }
                    for row in rows {
                        guard let y = outputs.y else { break }
                        if let time = geometry.time(ofStep: step, row: row, reverse: reverse) {
                            geometry.storeOutput(h + row * hidden, into: y, time: time, direction: direction, row: row)
                        } else {
                            geometry.clearOutput(y, time: step, direction: direction, row: row)
                        }
                    }
                }
                if let finalH = outputs.finalH { geometry.storeState(h, into: finalH, direction: direction, rows: rows) }
            }
        }

        // The widest of a step's products decides whether slices stay on unpacked kernels.
        let slices = slices ?? RowSlices(batch: batch, threads: BLASThreading.threadCount) { rows, threads in
            RecurrentProduct(m: rows, n: g, k: hidden, threads: threads)
        }
        slices.run { rows in recur(rows, threads: slices.threadsPerSlice) }
    }
}
