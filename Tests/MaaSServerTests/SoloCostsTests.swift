import MaaSProtocol
import Testing

@testable import MaaSServer

@Suite("What a version's calls cost alone")
struct SoloCostsTests {
    @Test("a kind not timed yet has no estimate; a timed one scales with the bytes")
    func scalesWithBytes() {
        let costs = SoloCosts()
        #expect(costs.estimate(bytes: 1000, kind: .tensors) == nil)
        costs.record(.microseconds(100), bytes: 1000, kind: .tensors)
        #expect(costs.estimate(bytes: 1000, kind: .tensors) == .microseconds(100))
        #expect(costs.estimate(bytes: 10_000, kind: .tensors) == .milliseconds(1))
        #expect(costs.estimate(bytes: 1000, kind: .rawAudio) == nil)
    }

    @Test("each sample moves the average a quarter of the way")
    func movingAverage() {
        let costs = SoloCosts()
        costs.record(.microseconds(100), bytes: 1000, kind: .tensors)
        costs.record(.microseconds(500), bytes: 1000, kind: .tensors)
        #expect(costs.estimate(bytes: 1000, kind: .tensors) == .microseconds(200))
        // An empty request teaches nothing (and divides by nothing).
        costs.record(.seconds(1), bytes: 0, kind: .tensors)
        #expect(costs.estimate(bytes: 1000, kind: .tensors) == .microseconds(200))
    }

    @Test("audio files are told apart by their first bytes: a FLAC byte is not a WAV byte")
    func audioFileKinds() {
        let costs = SoloCosts()
        let wav = SoloCosts.Kind.audioFile(BytesView(Array("RIFF....WAVE".utf8)))
        let flac = SoloCosts.Kind.audioFile(BytesView(Array("fLaC....".utf8)))
        #expect(wav != flac)
        #expect(wav == .audioFile(BytesView(Array("RIFF,,,,other".utf8))))
        costs.record(.microseconds(50), bytes: 44_000, kind: wav)
        #expect(costs.estimate(bytes: 44_000, kind: flac) == nil)
        #expect(costs.estimate(bytes: 44_000, kind: .rawAudio) == nil)
        // Shorter than a magic number, or empty: a kind of its own, no crash.
        #expect(SoloCosts.Kind.audioFile([]) != .audioFile([0x52]))
        #expect(SoloCosts.Kind.audioFile([]) != .tensors)
    }

    @Test("audio costs per second of audio; its bytes become seconds at the kind's bytes per second")
    func audioPerSecond() {
        let costs = SoloCosts()
        let flac = SoloCosts.Kind.audioFile(BytesView(Array("fLaC....".utf8)))
        #expect(costs.estimate(seconds: 1, kind: flac) == nil)
        // Half a second of speech in 16,000 bytes took 1 ms: 2 ms per second, 32,000 bytes per second.
        costs.record(.milliseconds(1), bytes: 16_000, kind: flac, seconds: 0.5)
        #expect(costs.estimate(seconds: 50, kind: flac) == .milliseconds(100))
        #expect(costs.estimate(bytes: 32_000, kind: flac) == .milliseconds(2))
        // Tensors have no seconds.
        costs.record(.microseconds(100), bytes: 1000, kind: .tensors)
        #expect(costs.estimate(seconds: 1, kind: .tensors) == nil)
        // A clip of no length, or no bytes, teaches nothing.
        costs.record(.seconds(1), bytes: 16_000, kind: flac, seconds: 0)
        costs.record(.seconds(1), bytes: 0, kind: flac, seconds: 0.5)
        #expect(costs.estimate(seconds: 50, kind: flac) == .milliseconds(100))
    }

    @Test("a clip of silence, tiny for its length, makes the next clips look at most 4/3 as long, not 100 times as heavy")
    func compressibleClip() throws {
        let costs = SoloCosts()
        let flac = SoloCosts.Kind.audioFile(BytesView(Array("fLaC....".utf8)))
        costs.record(.milliseconds(1), bytes: 16_000, kind: flac, seconds: 0.5)
        // 50 s of silence in 2,300 bytes, at the same cost per second.
        costs.record(.milliseconds(100), bytes: 2_300, kind: flac, seconds: 50)
        #expect(costs.estimate(seconds: 50, kind: flac) == .milliseconds(100))
        let speech = try #require(costs.estimate(bytes: 16_000, kind: flac))
        #expect(speech > .milliseconds(1) && speech <= .microseconds(1334), "\(speech)")
    }

    @Test("a huge request's estimate saturates instead of overflowing")
    func saturates() throws {
        let costs = SoloCosts()
        costs.record(.seconds(10), bytes: 1, kind: .tensors)
        let estimate = costs.estimate(bytes: Int.max, kind: .tensors)
        #expect(try #require(estimate) > .seconds(100_000))
        costs.record(.seconds(10), bytes: 1, kind: .rawAudio, seconds: 1e-6)
        #expect(try #require(costs.estimate(bytes: Int.max, kind: .rawAudio)) > .seconds(100_000))
        #expect(try #require(costs.estimate(seconds: .greatestFiniteMagnitude, kind: .rawAudio)) > .seconds(100_000))
        // A clip too short to divide by leaves the averages as they were.
        let before = costs.estimate(seconds: 1, kind: .rawAudio)
        costs.record(.seconds(1), bytes: 1, kind: .rawAudio, seconds: .leastNonzeroMagnitude)
        #expect(costs.estimate(seconds: 1, kind: .rawAudio) == before)
    }
}
