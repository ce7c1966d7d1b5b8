import Glibc
import Testing
@testable import MaaSAudio

@Suite("Decibels")
struct DecibelsTests {
    /// `values` batch values spread over the float range power spectra use, lane by lane.
    static func powers(values: Int, lanes: Int) -> [Float] {
        var x: Float = 1e-10
        return (0..<(values * lanes)).map { i in
            x *= 1.013
            if x > 1e12 { x = 1e-10 }
            return [0, 1, 1.37, 1.41421][i % 4] == 0 ? 0 : x * [0, 1, 1.37, 1.41421][i % 4]
        }
    }

    @Test("every variant's dB conversion agrees with libm across the float range power spectra use")
    func agreesWithLibm() {
        for kernels in FFTKernels.available {
            let lanes = kernels.lanes, values = 600
            var batch = Self.powers(values: values, lanes: lanes)
            let input = batch
            let peak = batch.withUnsafeMutableBufferPointer {
                Decibels.fromPower(batch: $0.baseAddress!, values: values, frames: lanes, amin: 1e-10, ref: 1, kernels: kernels)
            }
            let expected = input.map { 10 * log10f(max($0, 1e-10)) }
            let worst = zip(batch, expected).map { abs($0 - $1) }.max()!
            // Two ulp of log10 at |log10| ≈ 12, times 10: far inside the 5e-3 MFCC tolerance.
            #expect(worst <= 3e-5, "\(kernels.name): max |ours − libm| = \(worst)")
            #expect(peak == batch.max()!, "\(kernels.name)")
        }
    }

    @Test("the peak counts only the batch's real frames, and ref shifts every value")
    func peakOverRealFrames() {
        for kernels in FFTKernels.available {
            let lanes = kernels.lanes
            // Frame lanes−1 is padding with a large value, which must not become the clip's maximum.
            var batch = [Float](repeating: 1, count: 3 * lanes)
            batch[lanes - 1] = 1e6
            let peak = batch.withUnsafeMutableBufferPointer {
                Decibels.fromPower(batch: $0.baseAddress!, values: 3, frames: lanes - 1, amin: 1e-10, ref: 10, kernels: kernels)
            }
            #expect(peak == -10, "\(kernels.name)")
            #expect(abs(batch[lanes - 1] - 50) < 1e-4, "\(kernels.name)")
        }
    }

    @Test("an amin below the smallest normal float takes libm's path and keeps zeros finite")
    func subnormalAmin() {
        let kernels = FFTKernels.best
        let amin = Double(Float.leastNonzeroMagnitude)
        var batch = [Float](repeating: 0, count: kernels.lanes)
        batch[1] = 100
        let peak = batch.withUnsafeMutableBufferPointer {
            Decibels.fromPower(batch: $0.baseAddress!, values: 1, frames: kernels.lanes, amin: amin, ref: 1, kernels: kernels)
        }
        #expect(peak == 20)
        #expect(batch[0] == 10 * log10f(Float.leastNonzeroMagnitude))
    }
}
