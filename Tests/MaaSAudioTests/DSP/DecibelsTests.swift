import Glibc
import Testing
@testable import MaaSAudio

@Suite("Decibels")
struct DecibelsTests {
    @Test("the vector log10 agrees with libm across the float range power spectra use")
    func vectorLog10() {
        var worst: Float = 0
        var x: Float = 1e-10
        while x < 1e12 {
            let v = SIMD4<Float>(x, x * 1.0001, x * 1.37, x * 1.41421)
            let ours = Decibels.vectorLog10(v)
            for i in 0..<4 { worst = max(worst, abs(ours[i] - log10f(v[i]))) }
            x *= 1.013
        }
        // Two ulp at |log10| ≈ 12; in dB (× 10) under 3e-5, far inside the 5e-3 MFCC tolerance.
        #expect(worst <= 3e-6, "max |ours − log10f| = \(worst)")
    }

    @Test("power_to_db floors at the clip maximum minus topDB, and amin keeps zeros finite")
    func floorAndAmin() {
        var values: [Float] = [1, 0, 1e-3, 100, 1e-12, 5, 0.5]
        values.withUnsafeMutableBufferPointer { Decibels.fromPower($0, amin: 1e-10, ref: 1, topDB: 80) }
        let expected: [Float] = [0, -60, -30, 20, -60, 10 * log10f(5), 10 * log10f(0.5)]
        for (a, b) in zip(values, expected) { #expect(abs(a - b) < 1e-4) }
        var unfloored: [Float] = [0, 1]
        unfloored.withUnsafeMutableBufferPointer { Decibels.fromPower($0, amin: 1e-10, ref: 1, topDB: nil) }
        #expect(unfloored == [-100, 0])
    }
}
