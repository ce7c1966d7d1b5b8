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

    @Test("a huge request's estimate saturates instead of overflowing")
    func saturates() throws {
        let costs = SoloCosts()
        costs.record(.seconds(10), bytes: 1, kind: .tensors)
        let estimate = costs.estimate(bytes: Int.max, kind: .tensors)
        #expect(try #require(estimate) > .seconds(100_000))
    }
}
