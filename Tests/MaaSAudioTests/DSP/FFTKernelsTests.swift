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
}
