import Testing
@testable import MaaSAudio

@Suite("SignalOps")
struct SignalOpsTests {
    static let cases: [(samples: [Float], peak: Float, nonFinite: Bool, subnormal: Bool)] = [
        ([], 0, false, false),
        ([0, -0.0, 0, 0, 0], 0, false, false),
        ([0.25, -0.75, 0.5], 0.75, false, false),
        ([0, 0, 0, 0, 0, 0, 0, -2], 2, false, false),
        ([1, .leastNormalMagnitude, 0, 0], 1, false, false),
        ([1, .leastNonzeroMagnitude, 0, 0], 1, false, true),
        ([0, 0, 0, 0, 0, -Float.leastNormalMagnitude / 2], Float.leastNormalMagnitude / 2, false, true),
        ([0, .infinity, 0, 0], .infinity, true, false),
        ([0, 0, 0, 0, -.infinity], .infinity, true, false),
        ([0.5, .nan, 0, 0, 1], Float.nan, true, false),
        ([.greatestFiniteMagnitude, 0, 0, 0], .greatestFiniteMagnitude, false, false),
        // Longer than one AVX-512 vector, with the findings in the body and in the tail.
        ((0..<37).map { $0 == 20 ? -3 : $0 == 33 ? .leastNonzeroMagnitude : 0.5 }, 3, false, true),
        ((0..<70).map { $0 == 69 ? .nan : Float($0) / 100 }, Float.nan, true, false),
        ((0..<64).map { Float($0 % 7) - 3 }, 3, false, false),
    ]

    @Test("one pass finds the peak magnitude, non-finite values and subnormals, in the vector body and the tail, with every instruction-set variant",
          arguments: cases)
    func scan(samples: [Float], peak: Float, nonFinite: Bool, subnormal: Bool) {
        for kernels in FFTKernels.available {
            let result = SignalOps.scan(samples, kernels: kernels)
            if peak.isNaN {
                #expect(result.peak.isNaN, "\(kernels.name)")
            } else {
                #expect(result.peak == peak, "\(kernels.name)")
            }
            #expect(result.nonFinite == nonFinite, "\(kernels.name)")
            #expect(result.subnormal == subnormal, "\(kernels.name)")
        }
    }

    @Test("the first non-finite sample is found by index")
    func firstNonFinite() {
        #expect(SignalOps.firstNonFinite([0, 1, 2, 3, 4, 5, .nan, .infinity]) == 6)
        #expect(SignalOps.firstNonFinite([0, 1, 2]) == nil)
    }
}
