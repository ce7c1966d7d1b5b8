internal import CMaaSAudioKernels

/// One instruction set's spectrogram kernels from the CMaaSAudioKernels C target: the radix-2, 3, 4, 5, 8 and 16 FFT
/// stages, framing, untangle and |X|², mel bands, decibels, DCT, and the whole-signal scan.
///
/// Swift compiles for baseline x86-64, which held the STFT to four lanes (one SSE register); the C target
/// builds every kernel for AVX-512F, AVX2+FMA and portable C, and `best` is the widest one this CPU runs.
/// Each variant batches its own number of frames (`lanes`: 16, 8 or 4), interleaved so that value j of a
/// batch is the floats [lanes·j, lanes·j + lanes), one per frame (see CMaaSAudioKernels.h).
package struct FFTKernels: @unchecked Sendable {
    // The tables are immutable C statics with process lifetime.
    private let table: UnsafePointer<MaaSFFTKernels>

    private init(_ table: UnsafePointer<MaaSFFTKernels>) {
        self.table = table
    }

    /// The fastest variant for this CPU, chosen once per process.
    package static var best: FFTKernels { FFTKernels(maas_best_fft_kernels()) }

    /// Every variant this CPU can run, portable C first; for tests that hold each one to the same results,
    /// and for the benchmark.
    package static var available: [FFTKernels] {
        [MAAS_AUDIO_ISA_GENERIC, MAAS_AUDIO_ISA_AVX2, MAAS_AUDIO_ISA_AVX512F]
            .compactMap { maas_fft_kernels($0).map(FFTKernels.init) }
    }

    /// "avx512f", "avx2" or "generic".
    package var name: String { String(cString: table.pointee.name) }

    /// Frames per batch.
    var lanes: Int { table.pointee.lanes }

    /// One Stockham stage of `radix` (2, 3, 4, 5, 8 or 16) from `x` into `y`; the twiddles are stored [p][k − 1].
    /// Returns false for any other radix, which the caller computes itself.
    func stage(radix: Int, length: Int, stride: Int, twiddleRe: UnsafePointer<Float>, twiddleIm: UnsafePointer<Float>,
               _ xr: UnsafeMutablePointer<Float>, _ xi: UnsafeMutablePointer<Float>,
               _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>) -> Bool {
        let function: MaaSFFTStage?
        switch radix {
        case 2: function = table.pointee.radix2
        case 3: function = table.pointee.radix3
        case 4: function = table.pointee.radix4
        case 5: function = table.pointee.radix5
        case 8: function = table.pointee.radix8
        case 16: function = table.pointee.radix16
        default: return false
        }
        guard let function else { return false }
        function(xr, xi, yr, yi, twiddleRe, twiddleIm, length, stride)
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

    /// out[c · rowStride + r] = signal[start + r·hop + c] for c in 0..<width, r in 0..<rows (zero outside the
    /// signal): column r starts frame r of a chunk. The samples read are added to `scan`.
    func transposeSignal(_ signal: UnsafeBufferPointer<Float>, start: Int, hop: Int, width: Int, rows: Int,
                         into out: UnsafeMutablePointer<Float>, rowStride: Int, scan: inout SignalScan) {
        table.pointee.transposeSignal(signal.baseAddress, signal.count, start, hop, width, rows, out, rowStride,
                                      &scan.peakBits, &scan.leastBits)
    }

    /// `lanes` frames windowed into the batch layout, sample n of frame `lane` at columns[offsets[n] + lane].
    func loadFrames(columns: UnsafePointer<Float>, offsets: UnsafePointer<Int>, window: UnsafePointer<Float>, nFFT: Int,
                    re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>) {
        table.pointee.loadFrames(columns, offsets, window, nFFT, re, im)
    }

    /// `loadFrames` fused with the first stage (radix 2, 4, 8 or 16, stride 1) of the half-length transform
    /// of an even nFFT, into y. Returns false for anything else, having done nothing.
    func firstStageFrames(columns: UnsafePointer<Float>, offsets: UnsafePointer<Int>, window: UnsafePointer<Float>, nFFT: Int,
                          radix: Int, twiddleRe: UnsafePointer<Float>, twiddleIm: UnsafePointer<Float>,
                          _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>) -> Bool {
        table.pointee.firstStageFrames(columns, offsets, window, nFFT, radix, twiddleRe, twiddleIm, yr, yi) != 0
    }

    /// |X|² of the real transform from its half-length complex transform z: half + 1 bins.
    func untanglePower(_ zr: UnsafePointer<Float>, _ zi: UnsafePointer<Float>, twiddleRe: UnsafePointer<Float>,
                       twiddleIm: UnsafePointer<Float>, half: Int, into power: UnsafeMutablePointer<Float>) {
        table.pointee.untanglePower(zr, zi, twiddleRe, twiddleIm, half, power)
    }

    /// `untanglePower` fused with the transform's last stage (radix 2, 4, 8 or 16, length `radix`, stride
    /// half / radix), whose input is x. Returns false for any other radix, having done nothing.
    func finalStagePower(_ xr: UnsafePointer<Float>, _ xi: UnsafePointer<Float>, radix: Int, twiddleRe: UnsafePointer<Float>,
                         twiddleIm: UnsafePointer<Float>, half: Int, into power: UnsafeMutablePointer<Float>) -> Bool {
        table.pointee.finalStagePower(xr, xi, radix, twiddleRe, twiddleIm, half, power) != 0
    }

    /// |z|² of `bins` points.
    func magnitudePower(_ zr: UnsafePointer<Float>, _ zi: UnsafePointer<Float>, bins: Int, into power: UnsafeMutablePointer<Float>) {
        table.pointee.magnitudePower(zr, zi, bins, power)
    }

    /// Mel sums of one batch; band b spans weights start[b] ..< start[b] + count[b] over bins first[b] ...
    func melBands(_ power: UnsafePointer<Float>, first: UnsafePointer<Int>, count: UnsafePointer<Int>, start: UnsafePointer<Int>,
                  weights: UnsafePointer<Float>, bands: Int, into sums: UnsafeMutablePointer<Float>) {
        table.pointee.melBands(power, first, count, start, weights, bands, sums)
    }

    /// x ← 10·log10(max(x · scale, amin)) − offset over `values` batch values (amin a normal float); the
    /// largest result among the first `frames` lanes.
    func decibels(_ x: UnsafeMutablePointer<Float>, values: Int, scale: Float, amin: Float, offset: Float, frames: Int) -> Float {
        table.pointee.decibels(x, values, scale, amin, offset, frames)
    }

    /// Rows [frames × coefficients] of matrix [coefficients × bands] times max(x, floor), for one batch.
    func cepstrum(_ x: UnsafePointer<Float>, bands: Int, matrix: UnsafePointer<Float>, coefficients: Int, floor: Float,
                  frames: Int, into out: UnsafeMutablePointer<Float>) {
        table.pointee.cepstrum(x, bands, matrix, coefficients, floor, frames, out)
    }

    /// Rows [frames × values] out of one batch, times `scale`.
    func storeRows(_ x: UnsafePointer<Float>, values: Int, scale: Float, frames: Int, into out: UnsafeMutablePointer<Float>) {
        table.pointee.storeRows(x, values, scale, frames, out)
    }
}
