/// Whole-signal passes over a clip (1.3 M samples for 60 s at 22050 Hz).
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

    /// The largest magnitude (NaN and infinities included), whether any sample is NaN or infinite, whether any
    /// is subnormal: one pass over the bit patterns in CMaaSAudioKernels, at the CPU's vector width.
    static func scan(_ samples: [Float], kernels: FFTKernels = .best) -> (peak: Float, nonFinite: Bool, subnormal: Bool) {
        samples.withUnsafeBufferPointer { kernels.scan($0) }
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
