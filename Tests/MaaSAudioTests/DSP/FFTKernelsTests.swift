import Testing
@testable import MaaSAudio

@Suite("FFTKernels")
struct FFTKernelsTests {
    /// The transform of a fixed signal with `kernels`, as (re, im) per point and lane.
    static func transform(size: Int, kernels: FFTKernels) -> [Float] {
        let fft = ComplexFFT(size: size, kernels: kernels)
        let re = UnsafeMutablePointer<Lanes>.allocate(capacity: size), im = UnsafeMutablePointer<Lanes>.allocate(capacity: size)
        let wr = UnsafeMutablePointer<Lanes>.allocate(capacity: size), wi = UnsafeMutablePointer<Lanes>.allocate(capacity: size)
        defer { re.deallocate(); im.deallocate(); wr.deallocate(); wi.deallocate() }
        for n in 0..<size {
            re[n] = Lanes((0..<Lanes.scalarCount).map { ComplexFFTTests.value(n, $0, 0) })
            im[n] = Lanes((0..<Lanes.scalarCount).map { ComplexFFTTests.value(n, $0, 1) })
        }
        let inWork = fft.transform(re: re, im: im, workRe: wr, workIm: wi)
        let outRe = inWork ? wr : re, outIm = inWork ? wi : im
        return (0..<size).flatMap { k in (0..<Lanes.scalarCount).flatMap { [outRe[k][$0], outIm[k][$0]] } }
    }

    @Test("the portable variant is always available and the best one is among those the CPU runs")
    func availability() {
        let names = FFTKernels.available.map(\.name)
        #expect(names.first == "generic")
        #expect(names.contains(FFTKernels.best.name))
    }

    // Sizes mix every C radix (2, 3, 4, 5) at strides 1, 2 and beyond 16, plus a prime left to Swift.
    @Test("every instruction-set variant the CPU runs gives the portable FFT within 1e-5 relative",
          arguments: [2, 3, 5, 8, 12, 60, 200, 400, 512, 1024, 1000, 1008])
    func variantsAgree(size: Int) {
        let reference = Self.transform(size: size, kernels: FFTKernels.available[0])
        let peak = reference.map(abs).max() ?? 0
        for kernels in FFTKernels.available.dropFirst() {
            let result = Self.transform(size: size, kernels: kernels)
            let worst = zip(result, reference).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-5 * max(peak, 1), "\(kernels.name), size \(size): max difference \(worst), peak \(peak)")
        }
    }
}
