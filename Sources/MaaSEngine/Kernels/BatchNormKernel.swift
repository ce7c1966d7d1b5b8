/// Inference-mode BatchNormalization: y = (x − mean)/√(var + ε)·scale + bias per channel,
/// folded at plan time into one multiply-add per element.
package enum BatchNormKernel {
    package struct Dims: Sendable, Hashable {
        package var batchSize: Int
        package var channels: Int
        /// ∏ of the dimensions after the channel axis (1 for [N, C] input).
        package var spatialSize: Int

        package init(batchSize: Int, channels: Int, spatialSize: Int) {
            self.batchSize = batchSize
            self.channels = channels
            self.spatialSize = spatialSize
        }
    }

    /// Packed layout: `channels` multipliers followed by `channels` offsets.
    package static func packedCount(channels: Int) -> Int { 2 * channels }

    package static func pack(
        scale: UnsafePointer<Float>, bias: UnsafePointer<Float>, mean: UnsafePointer<Float>,
        variance: UnsafePointer<Float>, epsilon: Float, channels: Int, into packed: UnsafeMutablePointer<Float>
    ) {
        for c in 0..<channels {
            let multiplier = scale[c] / (variance[c] + epsilon).squareRoot()
            packed[c] = multiplier
            packed[channels + c] = bias[c] - mean[c] * multiplier
        }
    }

    /// The packed block as an array, for the plan compiler.
    package static func pack(
        scale: UnsafePointer<Float>, bias: UnsafePointer<Float>, mean: UnsafePointer<Float>,
        variance: UnsafePointer<Float>, epsilon: Float, channels: Int
    ) -> [Float] {
        [Float](unsafeUninitializedCapacity: packedCount(channels: channels)) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            pack(scale: scale, bias: bias, mean: mean, variance: variance, epsilon: epsilon, channels: channels,
                 into: base)
            count = buffer.count
        }
    }

    /// `output` may equal `input`.
    package static func run(
        input: UnsafePointer<Float>, packed: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, dims: Dims
    ) {
        let channels = dims.channels, spatial = dims.spatialSize
        for n in 0..<dims.batchSize {
            for c in 0..<channels {
                let multiplier = packed[c], offset = packed[channels + c]
                let base = (n * channels + c) * spatial
                for i in 0..<spatial { output[base + i] = input[base + i] * multiplier + offset }
            }
        }
    }
}
