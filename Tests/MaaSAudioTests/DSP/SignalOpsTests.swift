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
    ]

    @Test("one pass finds the peak magnitude, non-finite values and subnormals, in the vector body and the tail",
          arguments: cases)
    func scan(samples: [Float], peak: Float, nonFinite: Bool, subnormal: Bool) {
        let result = SignalOps.scan(samples)
        if peak.isNaN {
            #expect(result.peak.isNaN)
        } else {
            #expect(result.peak == peak)
        }
        #expect(result.nonFinite == nonFinite)
        #expect(result.subnormal == subnormal)
    }

    @Test("the first non-finite sample is found by index")
    func firstNonFinite() {
        #expect(SignalOps.firstNonFinite([0, 1, 2, 3, 4, 5, .nan, .infinity]) == 6)
        #expect(SignalOps.firstNonFinite([0, 1, 2]) == nil)
    }
}
