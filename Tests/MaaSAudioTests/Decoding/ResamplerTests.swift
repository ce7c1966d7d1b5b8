import Glibc
import Testing
@testable import MaaSAudio

@Suite("Resampler")
struct ResamplerTests {
    @Test("output length is librosa's ceil(n · out / in)",
          arguments: [(1, 44100, 22050), (7, 8000, 16000), (1000, 22050, 16000), (44100, 44100, 16000), (12345, 48000, 22050), (3, 16000, 22050)])
    func length(count: Int, from: Int, to: Int) throws {
        let input = (0..<count).map { Float(($0 % 50)) / 50 - 0.5 }
        let output = try Resampler.resample(input, from: from, to: to)
        #expect(output.count == Int((Double(count) * (Double(to) / Double(from))).rounded(.up)))
        #expect(output.allSatisfy { $0.isFinite })
    }

    @Test("the same rate returns the samples untouched")
    func identity() throws {
        let input: [Float] = [0.25, -0.5, 1]
        #expect(try Resampler.resample(input, from: 16000, to: 16000) == input)
    }

    @Test("a tone keeps its level through a 2:1 downsampling")
    func toneLevel() throws {
        let input = (0..<44100).map { Float(sin(2 * Double.pi * 440 * Double($0) / 44100)) }
        let output = try Resampler.resample(input, from: 44100, to: 22050)
        // Away from the filter's start-up and tail, the peak stays at 1 (HQ passband ripple is tiny).
        let peak = output[2000..<20000].map { abs($0) }.max()!
        #expect(abs(peak - 1) < 1e-3)
    }

    @Test("impossible rates are refused")
    func badRates() {
        #expect(throws: AudioError.self) { try Resampler.resample([0], from: 0, to: 16000) }
    }
}
