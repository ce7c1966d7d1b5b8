import Glibc

struct ComplexFFT: Sendable {
    struct Stage: Sendable {
        /// The radix r of this stage.
        let radix: Int
        /// Length of each sub-transform entering this stage (n), and how many are interleaved (stride).
        let length: Int
        let stride: Int
        /// ω_length^{p·k} for p in 0..<length/radix, k in 1..<radix, stored [p][k-1].
        let twiddleRe: [Float]
        let twiddleIm: [Float]
        /// ω_radix^{j} for j in 0..<radix, used by the generic prime butterfly.
        let rootRe: [Float]
        let rootIm: [Float]
    }

    let size: Int
    let stages: [Stage]
    /// The instruction-set variant that runs the radix-2, 3, 4 and 5 stages.
    let kernels: FFTKernels

    init(size: Int, kernels: FFTKernels = .best) {
        precondition(size >= 1)
        self.size = size
        self.kernels = kernels
        var stages: [Stage] = []
        var length = size
        var stride = 1
        for radix in Self.factors(size) {
            let m = length / radix
            var twRe = [Float](repeating: 0, count: m * (radix - 1))
            var twIm = twRe
            for p in 0..<m {
                for k in 1..<radix {
                    // Reduced before the trigonometry so large sizes keep full precision.
                    let angle = -2 * Double.pi * Double((p * k) % length) / Double(length)
                    twRe[p * (radix - 1) + k - 1] = Float(cos(angle))
                    twIm[p * (radix - 1) + k - 1] = Float(sin(angle))
                }
            }
            let roots = (0..<radix).map { j in -2 * Double.pi * Double(j) / Double(radix) }
            stages.append(Stage(radix: radix, length: length, stride: stride, twiddleRe: twRe, twiddleIm: twIm,
                                rootRe: roots.map { Float(cos($0)) }, rootIm: roots.map { Float(sin($0)) }))
            length = m
            stride *= radix
        }
        self.stages = stages
    }

    /// Powers of two as radix 16 first, then one radix 8, 4 or 2 for the rest: each stage is a pass over a
    /// batch that lives in L2, so fewer and wider stages are faster (1024 = 16·16·4: three passes, not five).
    /// Then 3 and 5, then any remaining primes.
    static func factors(_ n: Int) -> [Int] {
        var n = n
        var result: [Int] = []
        while n % 16 == 0 { result.append(16); n /= 16 }
        for p in [8, 4, 2, 3, 5] { while n % p == 0 { result.append(p); n /= p } }
        var p = 7
        while n > 1 {
            while n % p == 0 { result.append(p); n /= p }
            p += 2
            if p * p > n, n > 1 { result.append(n); n = 1 }
        }
        return result
    }

    /// Frames per batch: every buffer holds `size · lanes` floats.
    var lanes: Int { kernels.lanes }

    /// Transforms `re`/`im` (each `size · lanes` floats) using `workRe`/`workIm` as the other Stockham buffer.
    /// Returns true when the result ended in the work buffers, false when it is back in `re`/`im`.
    /// `range` runs only those stages (the caller fuses the others with what precedes or follows them).
    func transform(re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>,
                   workRe: UnsafeMutablePointer<Float>, workIm: UnsafeMutablePointer<Float>, stages range: Range<Int>? = nil) -> Bool {
        let range = range ?? stages.indices
        var xr = re, xi = im, yr = workRe, yi = workIm
        for stage in stages[range] {
            let done = stage.twiddleRe.withUnsafeBufferPointer { twr in
                stage.twiddleIm.withUnsafeBufferPointer { twi in
                    // Never empty: every stage stores m·(radix − 1) ≥ 1 twiddles.
                    kernels.stage(radix: stage.radix, length: stage.length, stride: stage.stride,
                                  twiddleRe: twr.baseAddress!, twiddleIm: twi.baseAddress!,
                                  xr, xi, yr, yi)
                }
            }
            if !done { Self.radixGeneric(stage, lanes: lanes, xr, xi, yr, yi) }
            swap(&xr, &yr)
            swap(&xi, &yi)
        }
        return range.count % 2 == 1
    }
}
