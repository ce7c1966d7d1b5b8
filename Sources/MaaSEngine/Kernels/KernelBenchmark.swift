import Glibc

/// Times the issue's reference speech model ([T, B, 20] → LSTM 128 → Dense 64 ReLU → Dense 10 Softmax)
/// straight on the kernels, so the kernels can be compared with onnxruntime before (and apart from) the
/// executor. Not a test: it measures, it asserts nothing.
package enum KernelBenchmark {
    /// The reference model's ONNX initializers, in ONNX layouts.
    package struct ReferenceWeights: Sendable {
        package var lstmW: [Float]     // [1, 512, 20]
        package var lstmR: [Float]     // [1, 512, 128]
        package var lstmB: [Float]     // [1, 1024]
        package var dense1W: [Float]   // [128, 64]
        package var dense1B: [Float]   // [64]
        package var dense2W: [Float]   // [64, 10]
        package var dense2B: [Float]   // [10]

        package init(lstmW: [Float], lstmR: [Float], lstmB: [Float], dense1W: [Float], dense1B: [Float],
                     dense2W: [Float], dense2B: [Float]) {
            self.lstmW = lstmW
            self.lstmR = lstmR
            self.lstmB = lstmB
            self.dense1W = dense1W
            self.dense1B = dense1B
            self.dense2W = dense2W
            self.dense2B = dense2B
        }

        static let inputSize = 20, hiddenSize = 128, dense1Size = 64, classes = 10

        /// Checks every array against the reference model's shapes.
        package var shapeProblem: String? {
            let expected: [(String, Int, Int)] = [
                ("lstm W", lstmW.count, 4 * Self.hiddenSize * Self.inputSize),
                ("lstm R", lstmR.count, 4 * Self.hiddenSize * Self.hiddenSize),
                ("lstm B", lstmB.count, 8 * Self.hiddenSize),
                ("dense1 W", dense1W.count, Self.hiddenSize * Self.dense1Size),
                ("dense1 B", dense1B.count, Self.dense1Size),
                ("dense2 W", dense2W.count, Self.dense1Size * Self.classes),
                ("dense2 B", dense2B.count, Self.classes),
            ]
            return expected.first { $0.1 != $0.2 }.map { "\($0.0) has \($0.1) floats, expected \($0.2)" }
        }
    }

    package struct Measurement: Sendable {
        package var frames: Int
        package var batch: Int
        package var threads: Int
        /// Wall-clock seconds of each timed run, sorted ascending.
        package var seconds: [Double]
        /// The last run's output [T, B, 10], to check against onnxruntime.
        package var output: [Float]

        package var median: Double { seconds.isEmpty ? 0 : seconds[seconds.count / 2] }
        /// Sequences per second at the median.
        package var throughput: Double { median > 0 ? Double(batch) / median : 0 }
    }

    /// Runs the model `warmup + iterations` times on `input` ([frames, batch, 20]) with `threads` BLAS
    /// threads; every buffer is allocated once, before the first run.
    package static func runReferenceModel(
        weights: ReferenceWeights, input: [Float], frames: Int, batch: Int, threads: Int,
        iterations: Int = 50, warmup: Int = 5
    ) -> Measurement {
        precondition(weights.shapeProblem == nil, weights.shapeProblem ?? "")
        precondition(input.count == frames * batch * ReferenceWeights.inputSize, "input must be [frames, batch, 20]")
        BLASThreading.setThreadCount(threads)
        let model = ReferenceModel(weights: weights, frames: frames, batch: batch)
        var seconds = [Double]()
        seconds.reserveCapacity(iterations)
        var output = [Float](repeating: 0, count: frames * batch * ReferenceWeights.classes)
        input.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                for iteration in 0..<(warmup + iterations) {
                    let start = monotonicSeconds()
                    model.run(input: input.baseAddress!, output: output.baseAddress!)
                    let elapsed = monotonicSeconds() - start
                    if iteration >= warmup { seconds.append(elapsed) }
                }
            }
        }
        model.deallocate()
        return Measurement(frames: frames, batch: batch, threads: threads, seconds: seconds.sorted(), output: output)
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }

    /// The model with its packed weights and one arena sized for (frames, batch).
    private struct ReferenceModel {
        let lstmDims: LSTMKernel.Dims
        let dense1: DenseKernel.Dims
        let dense2: DenseKernel.Dims
        let softmax: SoftmaxKernel.Dims
        let weights: ReferenceWeights
        let packedLSTM: UnsafeMutablePointer<Float>
        let arena: UnsafeMutablePointer<Float>
        let arenaCount: Int

        init(weights: ReferenceWeights, frames: Int, batch: Int) {
            let rows = frames * batch
            self.weights = weights
            let lstmDims = LSTMKernel.Dims(
                sequenceLength: frames, batchSize: batch, inputSize: ReferenceWeights.inputSize,
                hiddenSize: ReferenceWeights.hiddenSize)
            self.lstmDims = lstmDims
            dense1 = .init(rows: rows, inputFeatures: ReferenceWeights.hiddenSize,
                           outputFeatures: ReferenceWeights.dense1Size, activation: .relu)
            dense2 = .init(rows: rows, inputFeatures: ReferenceWeights.dense1Size, outputFeatures: ReferenceWeights.classes)
            softmax = .init(outer: rows, axisLength: ReferenceWeights.classes, inner: 1)
            let packed = Self.allocateAligned(LSTMKernel.packedWeightCount(for: lstmDims))
            weights.lstmW.withUnsafeBufferPointer { w in
                weights.lstmR.withUnsafeBufferPointer { r in
                    weights.lstmB.withUnsafeBufferPointer { b in
                        LSTMKernel.packWeights(w: w.baseAddress!, r: r.baseAddress!, b: b.baseAddress!, p: nil,
                                               dims: lstmDims, into: packed)
                    }
                }
            }
            packedLSTM = packed
            arenaCount = LSTMKernel.scratchCount(for: lstmDims) + rows * (ReferenceWeights.hiddenSize + ReferenceWeights.dense1Size)
            arena = Self.allocateAligned(arenaCount)
            arena.initialize(repeating: 0, count: arenaCount)
        }

        func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
            let sequence = arena
            let hidden = sequence + dense1.rows * ReferenceWeights.hiddenSize
            let scratch = hidden + dense1.rows * ReferenceWeights.dense1Size
            LSTMKernel.run(.init(x: input, weights: packedLSTM), .init(y: sequence), scratch: scratch, dims: lstmDims)
            weights.dense1W.withUnsafeBufferPointer { w in
                weights.dense1B.withUnsafeBufferPointer { b in
                    DenseKernel.run(input: sequence, weight: w.baseAddress!, bias: b.baseAddress!, output: hidden, dims: dense1)
                }
            }
            weights.dense2W.withUnsafeBufferPointer { w in
                weights.dense2B.withUnsafeBufferPointer { b in
                    DenseKernel.run(input: hidden, weight: w.baseAddress!, bias: b.baseAddress!, output: output, dims: dense2)
                }
            }
            SoftmaxKernel.softmax(input: output, output: output, dims: softmax)
        }

        /// 64-byte aligned, as the engine's mapped weights and arena are: AVX-512 loads from 16-byte aligned
        /// rows straddle cache lines, which doubled the batch-1 step here.
        static func allocateAligned(_ count: Int) -> UnsafeMutablePointer<Float> {
            UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
                .bindMemory(to: Float.self, capacity: count)
        }

        func deallocate() {
            packedLSTM.deallocate()
            arena.deallocate()
        }
    }
}
