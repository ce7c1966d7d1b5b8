internal import CMaaSAudioKernels

/// The radix-2, 3, 4 and 5 FFT stages (and the whole-signal scan) of one instruction set, from the
/// CMaaSAudioKernels C target.
///
/// Swift compiles for baseline x86-64, which held the butterflies to four lanes (one SSE register) and the
/// FFT to half of the MFCC time on long clips; the C target builds each stage for AVX-512F, AVX2+FMA and
/// portable C, and `best` is the widest one this CPU runs. The layout is `Lanes`: point j of the four
/// interleaved transforms is four contiguous floats (see CMaaSAudioKernels.h).
struct FFTKernels: @unchecked Sendable {
    // The tables are immutable C statics with process lifetime.
    private let table: UnsafePointer<MaaSFFTKernels>

    private init(_ table: UnsafePointer<MaaSFFTKernels>) {
        self.table = table
    }

    /// The fastest variant for this CPU, chosen once per process.
    static var best: FFTKernels { FFTKernels(maas_best_fft_kernels()) }

    /// Every variant this CPU can run, portable C first; for tests that hold each one to the same results.
    static var available: [FFTKernels] {
        [MAAS_AUDIO_ISA_GENERIC, MAAS_AUDIO_ISA_AVX2, MAAS_AUDIO_ISA_AVX512F]
            .compactMap { maas_fft_kernels($0).map(FFTKernels.init) }
    }

    /// "avx512f", "avx2" or "generic".
    var name: String { String(cString: table.pointee.name) }

    /// One Stockham stage of `radix` (2, 3, 4 or 5) from `x` into `y`; the twiddles are stored [p][k − 1].
    /// Returns false for any other radix, which the caller computes itself.
    func stage(radix: Int, length: Int, stride: Int, twiddleRe: UnsafePointer<Float>, twiddleIm: UnsafePointer<Float>,
               _ xr: UnsafeMutablePointer<Lanes>, _ xi: UnsafeMutablePointer<Lanes>,
               _ yr: UnsafeMutablePointer<Lanes>, _ yi: UnsafeMutablePointer<Lanes>) -> Bool {
        let function: MaaSFFTStage?
        switch radix {
        case 2: function = table.pointee.radix2
        case 3: function = table.pointee.radix3
        case 4: function = table.pointee.radix4
        case 5: function = table.pointee.radix5
        default: return false
        }
        guard let function else { return false }
        function(Self.floats(xr), Self.floats(xi), Self.floats(yr), Self.floats(yi), twiddleRe, twiddleIm,
                 length, stride)
        return true
    }

    /// The largest magnitude (NaN and infinities included), whether any sample is NaN or infinite, whether any
    /// is subnormal: one pass over the bit patterns.
    func scan(_ samples: UnsafeBufferPointer<Float>) -> (peak: Float, nonFinite: Bool, subnormal: Bool) {
        var peak: UInt32 = 0
        var nonFinite: Int32 = 0, subnormal: Int32 = 0
        table.pointee.scan(samples.baseAddress, samples.count, &peak, &nonFinite, &subnormal)
        return (Float(bitPattern: peak), nonFinite != 0, subnormal != 0)
    }

    // SIMD4<Float> is four contiguous floats with no padding, the layout the C stages index.
    private static func floats(_ pointer: UnsafeMutablePointer<Lanes>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
    }
}
