/// Whole-signal passes over a 60 s clip, written as plain integer loops that LLVM vectorises (float max
/// reductions are not vectorised because of NaN ordering; on the bit patterns of finite floats they are).
enum SignalOps {
    /// Index of the first NaN or infinity, if any.
    static func firstNonFinite(_ samples: [Float]) -> Int? {
        samples.withUnsafeBufferPointer { floats in
            floats.withMemoryRebound(to: UInt32.self) { bits in
                let exponent: UInt32 = 0x7F80_0000
                let chunk = 4096
                var start = 0
                while start < bits.count {
                    let end = min(start + chunk, bits.count)
                    // The exponent field is all ones exactly for infinities and NaN.
                    var widest: UInt32 = 0
                    for i in start..<end { widest = max(widest, bits[i] & exponent) }
                    if widest == exponent {
                        return (start..<end).first { bits[$0] & exponent == exponent }
                    }
                    start = end
                }
                return nil
            }
        }
    }

    /// max |x| over finite samples (on the bit patterns: without the sign bit, finite floats order like them).
    static func peakMagnitude(_ samples: [Float]) -> Float {
        samples.withUnsafeBufferPointer { floats in
            floats.withMemoryRebound(to: UInt32.self) { bits in
                var widest: UInt32 = 0
                for b in bits { widest = max(widest, b & 0x7FFF_FFFF) }
                return Float(bitPattern: widest)
            }
        }
    }

    /// x / peak, each quotient rounded once as numpy's `S / length` is.
    static func divided(_ samples: [Float], by peak: Float) -> [Float] {
        [Float](unsafeUninitializedCapacity: samples.count) { out, initialized in
            samples.withUnsafeBufferPointer { x in
                for i in 0..<x.count { out[i] = x[i] / peak }
            }
            initialized = samples.count
        }
    }
}
