import Glibc
import Testing
@testable import MaaSAudio

@Suite("CepstralTransform")
struct CepstralTransformTests {
    @Test("the batched DCT with the dB floor matches a direct orthonormal DCT-II, every variant and short batches",
          arguments: [(128, 20), (40, 13), (7, 7), (9, 1)])
    func matchesDirectDCT(bands: Int, coefficients: Int) {
        let transform = CepstralTransform(bands: bands, coefficients: coefficients, lifter: 0)
        for kernels in FFTKernels.available {
            let lanes = kernels.lanes
            let batch = (0..<(bands * lanes)).map { Float(-60 + 50 * sin(Double($0) * 0.731)) }
            let floor: Float = -40
            for frames in [lanes, 1, lanes - 1] {
                // One row more than is written: it must keep its sentinel.
                var out = [Float](repeating: .nan, count: (frames + 1) * coefficients)
                out.withUnsafeMutableBufferPointer { o in
                    batch.withUnsafeBufferPointer { b in
                        transform.apply(batch: b.baseAddress!, floor: floor, frames: frames, into: o.baseAddress!, kernels: kernels)
                    }
                }
                var worst = 0.0
                for t in 0..<frames {
                    for k in 0..<coefficients {
                        let scale = k == 0 ? (1 / Double(bands)).squareRoot() : (2 / Double(bands)).squareRoot()
                        var sum = 0.0
                        for i in 0..<bands {
                            let x = max(Double(batch[i * lanes + t]), Double(floor))
                            sum += x * scale * cos(Double.pi * Double(k) * Double(2 * i + 1) / (2 * Double(bands)))
                        }
                        worst = max(worst, abs(Double(out[t * coefficients + k]) - sum))
                    }
                }
                let name = kernels.name
                // Float sums of 128 terms of magnitude ~10: a few 1e-4 of rounding.
                #expect(worst <= 1e-3, "\(name), \(frames) frames: max error \(worst)")
                let untouched = out[(frames * coefficients)...].allSatisfy { $0.isNaN }
                #expect(untouched, "\(name): wrote past \(frames) rows")
            }
        }
    }
}
