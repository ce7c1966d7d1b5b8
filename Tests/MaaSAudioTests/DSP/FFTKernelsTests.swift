import Testing
@testable import MaaSAudio

@Suite("FFTKernels")
struct FFTKernelsTests {
    /// The transform of a fixed signal with `kernels`, as (re, im) per point, for the first four lanes (the
    /// fewest any variant has), whose inputs are the same whatever the variant.
    static func transform(size: Int, kernels: FFTKernels) -> [Float] {
        let output = ComplexFFTTests.transformed(size: size, kernels: kernels).output
        return output.flatMap { point in point.prefix(4).flatMap { [$0.0, $0.1] } }
    }

    @Test("the portable variant is always available and the best one is among those the CPU runs")
    func availability() {
        let names = FFTKernels.available.map(\.name)
        #expect(names.first == "generic")
        #expect(names.contains(FFTKernels.best.name))
        #expect(FFTKernels.available.map(\.lanes).allSatisfy { [4, 8, 16].contains($0) })
    }

    // Sizes mix every C radix (2, 3, 4, 5, 8, 16) at strides 1, 2 and beyond 16, plus a prime left to Swift.
    @Test("every instruction-set variant the CPU runs gives the portable FFT within 1e-5 relative",
          arguments: [2, 3, 5, 8, 12, 16, 60, 128, 200, 256, 400, 512, 1024, 1000, 1008, 4096])
    func variantsAgree(size: Int) {
        let reference = Self.transform(size: size, kernels: FFTKernels.available[0])
        let peak = reference.map(abs).max() ?? 0
        for kernels in FFTKernels.available.dropFirst() {
            let result = Self.transform(size: size, kernels: kernels)
            let worst = zip(result, reference).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-5 * max(peak, 1), "\(kernels.name), size \(size): max difference \(worst), peak \(peak)")
        }
    }

    // (signal length, first sample, hop, width, rows): centred starts before the signal, ends past it, hops
    // that are and are not multiples of the 16 × 16 blocks, a hop longer than the frame.
    @Test("transposeSignal lays out frames by column with zeros outside the signal, and scans what it reads, every variant",
          arguments: [(5000, -1024, 512, 512, 37), (3000, -256, 160, 160, 40), (100, -8, 7, 7, 21), (4000, 96, 64, 64, 32),
                      (300, -10, 1000, 20, 3), (0, -16, 16, 16, 16)])
    func transposeSignal(count: Int, start: Int, hop: Int, width: Int, rows: Int) {
        // Magnitudes grow with the index, so the peak read is that of the last sample read.
        let signal = (0..<count).map { Float($0 % 2 == 0 ? $0 : -$0) + 0.5 }
        let rowStride = rows + 3
        var read: [Float] = []
        for c in 0..<width {
            for r in 0..<rows where (0..<count).contains(start + r * hop + c) { read.append(signal[start + r * hop + c]) }
        }
        for kernels in FFTKernels.available {
            var out = [Float](repeating: .nan, count: width * rowStride)
            var scan = SignalScan()
            signal.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    kernels.transposeSignal(s, start: start, hop: hop, width: width, rows: rows, into: o.baseAddress!,
                                            rowStride: rowStride, scan: &scan)
                }
            }
            let peak = read.map(abs).max() ?? 0
            #expect(scan.peak == peak && !scan.nonFinite && !scan.subnormal, "\(kernels.name): scan \(scan.peak), expected \(peak)")
            var mismatches = 0
            for c in 0..<width {
                for r in 0..<rows {
                    let at = start + r * hop + c
                    let expected: Float = at >= 0 && at < count ? signal[at] : 0
                    if out[c * rowStride + r] != expected { mismatches += 1 }
                }
                // Past `rows` in each row of the output: untouched.
                if !out[(c * rowStride + rows)..<(c * rowStride + rowStride)].allSatisfy({ $0.isNaN }) { mismatches += 1 }
            }
            let name = kernels.name
            #expect(mismatches == 0, "\(name): \(mismatches) wrong values")
        }
    }
}
