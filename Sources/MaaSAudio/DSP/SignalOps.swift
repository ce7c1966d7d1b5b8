/// Whole-signal passes over a clip (1.3 M samples for 60 s at 22050 Hz), in integer vector operations.
enum SignalOps {
    /// Index of the first NaN or infinity, if any.
    static func firstNonFinite(_ samples: [Float]) -> Int? {
        guard scan(samples).nonFinite else { return nil }
        return samples.firstIndex { !$0.isFinite }
    }

    /// max |x| over finite samples.
    static func peakMagnitude(_ samples: [Float]) -> Float {
        scan(samples).peak
    }

    /// One pass over the bit patterns, four samples per step:
    /// - without the sign bit, non-negative floats order like their bit patterns, so the largest magnitude
    ///   is an integer maximum (a float maximum would not vectorise, because of NaN ordering);
    /// - the exponent field is all ones exactly for infinities and NaN; adding one to it then carries into
    ///   bit 31, which an OR over the signal collects;
    /// - subnormals are the magnitudes 1 ... 0x007FFFFF: the smallest non-zero magnitude tells.
    static func scan(_ samples: [Float]) -> (peak: Float, nonFinite: Bool, subnormal: Bool) {
        samples.withUnsafeBufferPointer { floats in
            typealias Bits = SIMD4<Int32>
            let count = floats.count
            let whole = count / 4 * 4
            var widest = Bits(repeating: 0)
            var carries = Bits(repeating: 0)
            // (magnitude − 1) with the sign bit flipped orders as unsigned: zero becomes the largest value.
            var smallest = Bits(repeating: .max)
            if let base = floats.baseAddress {
                let raw = UnsafeRawPointer(base)
                var i = 0
                while i < whole {
                    let bits = raw.loadUnaligned(fromByteOffset: i &* 4, as: Bits.self)
                    let magnitude = bits & 0x7FFF_FFFF
                    widest = widest.replacing(with: magnitude, where: magnitude .> widest)
                    carries |= (bits & 0x7F80_0000) &+ 0x0080_0000
                    let shifted = (magnitude &- 1) ^ Int32.min
                    smallest = smallest.replacing(with: shifted, where: shifted .< smallest)
                    i &+= 4
                }
            }
            var peak = widest.max()
            var nonFinite = carries.min() < 0
            var least = smallest.min()
            for i in whole..<count {
                let magnitude = Int32(bitPattern: floats[i].bitPattern) & 0x7FFF_FFFF
                peak = max(peak, magnitude)
                nonFinite = nonFinite || magnitude >= 0x7F80_0000
                least = min(least, (magnitude &- 1) ^ Int32.min)
            }
            let subnormal = least < (0x007F_FFFF &- 1) ^ Int32.min + 1
            return (Float(bitPattern: UInt32(peak)), nonFinite, subnormal)
        }
    }

    /// Subnormal samples set to zero. Arithmetic on subnormals takes a microcode assist (~50× slower), so a
    /// 60 s clip of them would hold a worker for half a second.
    static func flushingSubnormals(_ samples: [Float]) -> [Float] {
        samples.map { $0.isSubnormal ? 0 : $0 }
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
