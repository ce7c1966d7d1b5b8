import Glibc

/// |STFT|^power of windowed frames, computed one batch of `kernels.lanes` frames at a time (one per lane).
///
/// A real frame of even length N is transformed as N/2 complex points (even samples real, odd samples
/// imaginary) and untangled afterwards, which halves the work; odd N uses a full-length complex transform.
/// Windowing, the transform, the untangle and |X|² all run in CMaaSAudioKernels (`FFTKernels`).
struct PowerSpectrum: Sendable {
    let nFFT: Int
    let bins: Int
    let power: Float
    /// Periodic Hann of winLength samples, zero-padded to nFFT and centred (librosa's `get_window` + `pad_center`).
    let window: [Float]
    private let fft: ComplexFFT
    /// e^{-2πik/N} for k in 0...N/2, used to untangle the half-length transform.
    private let untangleRe: [Float]
    private let untangleIm: [Float]

    /// Whether the transform's last stage runs fused with the untangle (`FFTKernels.finalStagePower`), and
    /// its first with the framing (`FFTKernels.firstStageFrames`; not when that is also the last).
    let fusesLastStage: Bool
    let fusesFirstStage: Bool

    var kernels: FFTKernels { fft.kernels }
    /// Frames per batch.
    var lanes: Int { fft.lanes }

    init(nFFT: Int, winLength: Int, power: Double, kernels: FFTKernels = .best) {
        self.nFFT = nFFT
        self.bins = nFFT / 2 + 1
        self.power = Float(power)
        var window = [Float](repeating: 0, count: nFFT)
        let offset = (nFFT - winLength) / 2
        for n in 0..<winLength {
            window[offset + n] = Float(0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(winLength)))
        }
        self.window = window
        let half = nFFT % 2 == 0
        fft = ComplexFFT(size: half ? nFFT / 2 : nFFT, kernels: kernels)
        let count = half ? nFFT / 2 + 1 : 0
        untangleRe = (0..<count).map { Float(cos(-2 * Double.pi * Double($0) / Double(nFFT))) }
        untangleIm = (0..<count).map { Float(sin(-2 * Double.pi * Double($0) / Double(nFFT))) }
        let fusable = [2, 4, 8, 16]
        fusesLastStage = half && fusable.contains(fft.stages.last?.radix ?? 0)
        fusesFirstStage = half && fft.stages.count >= 2 && fusable.contains(fft.stages[0].radix)
    }

    /// Work space for one thread: two Stockham buffer pairs of the complex transform's size, and the spectra.
    ///
    /// The buffers share one allocation, each starting one cache line further into a 4 KiB page than the
    /// last. A 1024-point stage reads and writes streams 4 KiB apart; were the buffers aligned alike, they
    /// would all compete for the same L1 sets.
    final class Scratch {
        let re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>
        let workRe: UnsafeMutablePointer<Float>, workIm: UnsafeMutablePointer<Float>
        /// |X|^power of the batch: `bins` values of `lanes` floats.
        let power: UnsafeMutablePointer<Float>
        private let raw: UnsafeMutableRawPointer

        init(size: Int, bins: Int, lanes: Int) {
            let line = 16  // floats per 64-byte cache line
            let buffer = size * lanes
            let total = 4 * buffer + bins * lanes + 5 * line
            // Cache-line aligned: the AVX-512 kernels load 64 bytes at a time, and malloc's 16-byte alignment
            // made such loads straddle two lines.
            raw = .allocate(byteCount: total * MemoryLayout<Float>.stride, alignment: 64)
            let block = raw.bindMemory(to: Float.self, capacity: total)
            re = block
            im = block + buffer + line
            workRe = block + 2 * buffer + 2 * line
            workIm = block + 3 * buffer + 3 * line
            power = block + 4 * buffer + 4 * line
        }

        deinit {
            raw.deallocate()
        }
    }

    func makeScratch() -> Scratch {
        Scratch(size: fft.size, bins: bins, lanes: lanes)
    }

    /// Where sample n of a batch's first frame lies in `FFTKernels.transposeSignal`'s layout:
    /// (n % hop) · rowStride + n / hop, for n in 0..<nFFT. Walked hop by hop rather than divided out per
    /// sample: two integer divisions per sample cost more than a 1 s clip's decoding.
    func sampleOffsets(hop: Int, rowStride: Int) -> [Int] {
        precondition(hop > 0, "hop must be positive")
        return [Int](unsafeUninitializedCapacity: nFFT) { offsets, initialized in
            var hopStart = 0
            var column = 0
            while hopStart < nFFT {
                for row in 0..<min(hop, nFFT - hopStart) { offsets[hopStart + row] = row * rowStride + column }
                hopStart += hop
                column += 1
            }
            initialized = nFFT
        }
    }

    /// Spectra of one batch, sample n of frame `lane` being columns[offsets[n] + lane] (`sampleOffsets`).
    /// On return `scratch.power` holds bin k of frame `lane` at [k · lanes + lane], for k in 0..<bins.
    func compute(columns: UnsafePointer<Float>, offsets: UnsafePointer<Int>, scratch: Scratch) {
        let power = scratch.power
        // Fused with the framing and with the untangle (for the usual even, power-of-two sizes), the first
        // and last stages spare two passes over the batch.
        let stageCount = fft.stages.count
        let first = fusesFirstStage ? 1 : 0
        let last = stageCount - (fusesLastStage ? 1 : 0)
        window.withUnsafeBufferPointer { w in
            if fusesFirstStage {
                let stage = fft.stages[0]
                stage.twiddleRe.withUnsafeBufferPointer { twr in
                    stage.twiddleIm.withUnsafeBufferPointer { twi in
                        let done = kernels.firstStageFrames(columns: columns, offsets: offsets, window: w.baseAddress!, nFFT: nFFT,
                                                            radix: stage.radix, twiddleRe: twr.baseAddress!, twiddleIm: twi.baseAddress!,
                                                            scratch.workRe, scratch.workIm)
                        precondition(done, "radix \(stage.radix) has no fused first stage")
                    }
                }
            } else {
                kernels.loadFrames(columns: columns, offsets: offsets, window: w.baseAddress!, nFFT: nFFT, re: scratch.re, im: scratch.im)
            }
        }
        // Where stage `first` finds its input: the work buffers after a fused first stage.
        let (xr, xi, yr, yi) = fusesFirstStage ? (scratch.workRe, scratch.workIm, scratch.re, scratch.im)
                                               : (scratch.re, scratch.im, scratch.workRe, scratch.workIm)
        let inOther = fft.transform(re: xr, im: xi, workRe: yr, workIm: yi, stages: first..<max(first, last))
        let zr = inOther ? yr : xr
        let zi = inOther ? yi : xi
        if nFFT % 2 == 1 {
            kernels.magnitudePower(zr, zi, bins: bins, into: power)
        } else {
            untangleRe.withUnsafeBufferPointer { cr in
                untangleIm.withUnsafeBufferPointer { ci in
                    if fusesLastStage {
                        let radix = fft.stages[stageCount - 1].radix
                        let done = kernels.finalStagePower(zr, zi, radix: radix, twiddleRe: cr.baseAddress!, twiddleIm: ci.baseAddress!,
                                                           half: nFFT / 2, into: power)
                        precondition(done, "radix \(radix) has no fused last stage")
                    } else {
                        kernels.untanglePower(zr, zi, twiddleRe: cr.baseAddress!, twiddleIm: ci.baseAddress!, half: nFFT / 2, into: power)
                    }
                }
            }
        }
        // |X|² above; other exponents in a separate pass so the kernels stay pure vector arithmetic.
        let count = bins * lanes
        if self.power == 1 {
            for i in 0..<count { power[i] = power[i].squareRoot() }
        } else if self.power != 2 {
            let exponent = self.power / 2
            for i in 0..<count { power[i] = pow(power[i], exponent) }
        }
    }
}
