import Testing
import MaaSTestSupport
@testable import MaaSAudio

/// Seeded damage to valid files: the decoder must return a clip or an AudioError, never crash or hang.
@Suite("AudioDecoder under damaged input")
struct DecoderFuzzTests {
    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !out.isEmpty else { break }
            // Headers hold the interesting fields, so half of the damage lands in the first 64 bytes.
            let span = Bool.random(using: &rng) ? min(out.count, 64) : out.count
            let at = Int.random(in: 0..<span, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: out[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            case 1: out[at] = UInt8.random(in: 0...255, using: &rng)
            case 2: out[at] = [0x00, 0xFF, 0x7F, 0x80][Int.random(in: 0..<4, using: &rng)]
            case 3: out.removeSubrange(at...)
            case 4: out.insert(contentsOf: (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
            default:
                // A 32-bit field (sizes, rates, counts) set to an extreme.
                let extreme: [UInt8] = [[0xFF, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0x7F], [0, 0, 0, 0x80], [1, 0, 0, 0]][Int.random(in: 0..<4, using: &rng)]
                for (i, b) in extreme.enumerated() where at + i < out.count { out[at + i] = b }
            }
        }
        return out
    }

    static let mutationsPerFile = 150
    static let sources = Fixtures.manifest.clips.map(\.file) + ["long_silence_61s.flac"]

    @Test("seeded mutations of every fixture decode or fail cleanly", arguments: sources)
    func mutationsNeverCrash(file: String) {
        let original = Fixtures.bytes(file)
        var rng = SplitMix64(seed: UInt64(file.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) }.magnitude))
        let extractor = try! FeatureExtractor(.speech16k)
        var decoded = 0, refused = 0
        for _ in 0..<Self.mutationsPerFile {
            let input = Self.mutate(original, &rng)
            do {
                let clip = try AudioDecoder.decode(input, maxDuration: 60)
                decoded += 1
                #expect(!clip.samples.isEmpty && clip.samples.allSatisfy(\.isFinite))
                // Whatever decodes must also go through the features (its first 0.1 s keeps the suite fast).
                let head = AudioClip(samples: Array(clip.samples.prefix(clip.sampleRate / 10 + 1)), sampleRate: clip.sampleRate)
                _ = try extractor.mfcc(head)
            } catch {
                refused += 1
            }
        }
        #expect(decoded + refused == Self.mutationsPerFile)
    }

    @Test("random bytes never decode into a crash")
    func randomBytes() {
        var rng = SplitMix64(seed: 42)
        for length in [1, 2, 3, 4, 11, 12, 44, 45, 100, 1000, 4096] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                _ = try? AudioDecoder.decode(bytes, maxDuration: 60)
            }
        }
        // Valid magic numbers followed by noise reach deeper into each format's parser.
        let magics: [[UInt8]] = [Array("RIFF".utf8), Array("FORM".utf8), Array("fLaC".utf8), Array("OggS".utf8), Array("RIFF\u{FF}\u{FF}\u{FF}\u{7F}WAVEfmt ".utf8)]
        for magic in magics {
            for _ in 0..<50 {
                let bytes = magic + (0..<Int.random(in: 0...600, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                _ = try? AudioDecoder.decode(bytes, maxDuration: 60)
            }
        }
    }
}
