import Testing
@testable import MaaSAudio

@Suite("AudioDecoder")
struct AudioDecoderTests {
    @Test("every fixture format decodes to soundfile's mono samples", arguments: Fixtures.manifest.clips)
    func decodesEveryFormat(clip: Fixtures.Manifest.Clip) throws {
        let audio = try AudioDecoder.decode(Fixtures.bytes(clip.file), maxDuration: 60)
        #expect(audio.sampleRate == clip.sampleRate)
        #expect(audio.samples.count == clip.frames)
        for (ours, theirs) in zip(audio.samples, clip.head) {
            #expect(abs(Double(ours) - theirs) <= 1e-6)
        }
        let sum = audio.samples.reduce(0.0) { $0 + Double($1) }
        let squares = audio.samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(sum - clip.sum) <= 1e-4 * max(1, abs(clip.sum)))
        #expect(abs(squares - clip.sumOfSquares) <= 1e-5 * clip.sumOfSquares)
    }

    @Test("a file's length is offered from its header before decoding; a refusal decodes nothing", arguments: Fixtures.manifest.clips)
    func admitsByDeclaredLength(clip: Fixtures.Manifest.Clip) throws {
        let bytes = Fixtures.bytes(clip.file)
        var offered: [Double] = []
        let refused = try bytes.withUnsafeBytes { buffer in
            try AudioDecoder.decode(buffer, limits: AudioLimits()) { seconds in
                offered.append(seconds)
                return false
            }
        }
        #expect(refused == nil)
        #expect(offered == [Double(clip.frames) / Double(clip.sampleRate)])
        let admitted = try bytes.withUnsafeBytes { buffer in
            try AudioDecoder.decode(buffer, limits: AudioLimits()) { _ in true }
        }
        #expect(admitted == (try AudioDecoder.decode(bytes, maxDuration: 60)))
    }

    @Test("a compressed clip of silence declares its whole length: 61 s offered from 1.4 kB, nothing decoded when refused")
    func silenceDeclaresItsLength() throws {
        let bytes = Fixtures.bytes("long_silence_61s.flac")
        var offered: Double? = nil
        let clip = try bytes.withUnsafeBytes { buffer in
            try AudioDecoder.decode(buffer, limits: AudioLimits(maxDuration: 120)) { seconds in
                offered = seconds
                return false
            }
        }
        #expect(clip == nil)
        #expect(offered == 61)
        #expect(bytes.count < 10_000)
    }

    static let broken: [(file: String, expected: AudioError.Kind)] = [
        ("broken_empty.wav", .empty),
        ("broken_truncated_header.wav", .undecodable(reason: "")),
        ("broken_garbage.bin", .undecodable(reason: "")),
        ("broken_truncated.flac", .undecodable(reason: "")),
        ("broken_nan.wav", .nonFinite(sampleIndex: 123)),
        ("broken_inf.wav", .nonFinite(sampleIndex: 300)),
        ("broken_huge_rate.wav", .tooLarge(what: "sample rate (Hz)", value: 1_000_000, limit: 768_000)),
        ("broken_100_channels.wav", .tooLarge(what: "channel count", value: 100, limit: 64)),
        ("long_silence_61s.flac", .tooLong(seconds: 61, limit: 60)),
    ]

    @Test("broken and over-limit files fail with the right error", arguments: broken)
    func brokenFilesFail(file: String, expected: AudioError.Kind) {
        do {
            let clip = try AudioDecoder.decode(Fixtures.bytes(file), maxDuration: 60)
            Issue.record("\(file) decoded to \(clip.samples.count) samples")
        } catch {
            print("decoder error \(file): \(error)")
            switch (error.kind, expected) {
            case (.undecodable(let reason), .undecodable):
                #expect(!reason.isEmpty)  // libsndfile's words, whatever they are
            default:
                #expect(error.kind == expected)
            }
        }
    }

    /// `flac` with its STREAMINFO's total sample count set to 0, "unknown", as an encoder writing to a pipe
    /// leaves it (the format allows it; libsndfile then reports no length).
    static func withoutDeclaredLength(_ flac: [UInt8]) -> [UInt8] {
        // "fLaC", then the first metadata block's 4-byte header; STREAMINFO (type 0) must come first. Its total
        // is the low 36 bits of bytes 13...17 of the block: the low nibble of byte 21 and bytes 22...25.
        precondition(flac.starts(with: Array("fLaC".utf8)) && flac[4] & 0x7F == 0, "not a FLAC with STREAMINFO first")
        var bytes = flac
        bytes[21] &= 0xF0
        bytes.replaceSubrange(22..<26, with: [0, 0, 0, 0])
        return bytes
    }

    @Test("a FLAC whose header gives no length decodes as with it, offered to admission as the longest clip allowed",
          arguments: ["speech_16000_s16.flac", "pcm16_stereo_4099.flac", "pcm16_3ch_8195.flac"])
    func undeclaredLength(file: String) throws {
        let declared = Fixtures.bytes(file)
        let undeclared = Self.withoutDeclaredLength(declared)
        var offered: [Double] = []
        let clip = try undeclared.withUnsafeBytes { buffer in
            try AudioDecoder.decode(buffer, limits: AudioLimits(maxDuration: 30)) { seconds in
                offered.append(seconds)
                return true
            }
        }
        #expect(offered == [30])
        #expect(clip == (try AudioDecoder.decode(declared, maxDuration: 60)))
    }

    @Test("a clip with no declared length over the limit is refused with the limit, not a length it never declared")
    func undeclaredLengthOverTheLimit() throws {
        // 61 s of silence in 1.4 kB against the 60 s limit, and a speech clip against a 0.5 s one.
        for (file, limit) in [("long_silence_61s.flac", 60.0), ("speech_16000_s16.flac", 0.5)] {
            let bytes = Self.withoutDeclaredLength(Fixtures.bytes(file))
            #expect(throws: AudioError(.tooLongUndeclared(limit: limit)), "\(file)") {
                try AudioDecoder.decode(bytes, maxDuration: limit)
            }
        }
        let error = AudioError(.tooLongUndeclared(limit: 60))
        #expect(error.description == "audio lasts longer than the limit of 60 s (its header gives no length, and decoding stopped at the limit): send a shorter clip")
    }

    /// A canonical 44-byte-header WAV with `edit` applied to its header (little-endian fields).
    static func editedWAV(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
        var bytes = Fixtures.bytes("speech_22050_s16.wav")
        edit(&bytes)
        return bytes
    }

    static let badHeaders: [(String, [UInt8], String)] = [
        ("sample rate 0", editedWAV { $0.replaceSubrange(24..<28, with: [0, 0, 0, 0]) },
         "its header declares an invalid sample rate, channel count or sample format"),
        ("sample rate 2^32 - 1", editedWAV { $0.replaceSubrange(24..<28, with: [0xFF, 0xFF, 0xFF, 0xFF]) },
         "its header declares an invalid sample rate, channel count or sample format"),
        ("IEEE float at 16 bits", editedWAV { $0[20] = 3 }, "its header describes an encoding that cannot be decoded"),
    ]

    @Test("a header libsndfile calls an internal error is refused as the file's fault, in words that say so",
          arguments: badHeaders.indices)
    func badHeaderWording(index: Int) {
        let (_, bytes, reason) = Self.badHeaders[index]
        do {
            let clip = try AudioDecoder.decode(bytes, maxDuration: 60)
            Issue.record("\(Self.badHeaders[index].0) decoded to \(clip.samples.count) samples")
        } catch {
            #expect(error.kind == .undecodable(reason: reason), "\(error)")
            #expect(!error.description.lowercased().contains("internal"), "\(error)")
        }
    }

    @Test("a WAV cut inside its samples decodes what is there, as soundfile does (libsndfile trims the header's length)")
    func truncatedWAVDecodesItsPrefix() throws {
        let bytes = Fixtures.bytes("speech_22050_s16.wav")
        let clip = try AudioDecoder.decode(Array(bytes.prefix(bytes.count / 2)), maxDuration: 60)
        let full = try AudioDecoder.decode(bytes, maxDuration: 60)
        #expect(clip.samples.count > 0 && clip.samples.count < full.samples.count)
        #expect(clip.samples[...] == full.samples.prefix(clip.samples.count))
    }

    @Test("a clip over a smaller limit is refused from its header")
    func durationLimitIsTheCallers() throws {
        let bytes = Fixtures.bytes("speech_22050_s16.wav")
        #expect(throws: AudioError(.tooLong(seconds: Double(26460) / 22050, limit: 1))) {
            try AudioDecoder.decode(bytes, maxDuration: 1)
        }
        _ = try AudioDecoder.decode(bytes, maxDuration: 1.2)
    }

    @Test("an input over the byte limit is refused before libsndfile sees it")
    func byteLimit() {
        let bytes = Fixtures.bytes("speech_22050_s16.wav")
        #expect(throws: AudioError(.tooLarge(what: "audio input (bytes)", value: bytes.count, limit: 1000))) {
            try AudioDecoder.decode(bytes, limits: AudioLimits(maxBytes: 1000))
        }
    }

    @Test("stereo is averaged to mono before anything else")
    func stereoIsAveraged() throws {
        let clip = Fixtures.clip("speech_44100_stereo.aiff")
        #expect(clip.channels == 2)
        let audio = try AudioDecoder.decode(Fixtures.bytes(clip.file), maxDuration: 60)
        #expect(audio.samples.count == clip.frames)
    }

    @Test("raw float32 PCM is read little-endian at the given rate")
    func rawFloat32() throws {
        let values: [Float] = [0, 0.5, -0.25, 1, -1]
        let bytes = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let clip = try AudioDecoder.decodeRawFloat32(bytes, sampleRate: 16000, limits: AudioLimits())
        #expect(clip == AudioClip(samples: values, sampleRate: 16000))
    }

    @Test("interleaved raw channels are averaged to mono, frame by frame")
    func rawFloat32Channels() throws {
        let interleaved: [Float] = [1, 0, 0.5, 0.25, -1, -0.5]
        let bytes = interleaved.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let stereo = try AudioDecoder.decodeRawFloat32(bytes, sampleRate: 8000, channels: 2, limits: AudioLimits())
        #expect(stereo == AudioClip(samples: [0.5, 0.375, -0.75], sampleRate: 8000))
        let three = try AudioDecoder.decodeRawFloat32(bytes, sampleRate: 8000, channels: 3, limits: AudioLimits())
        #expect(three == AudioClip(samples: [0.5, Float(-1.25) / 3], sampleRate: 8000))
        #expect(throws: AudioError(.invalidParameter(
            name: "raw float32 PCM", reason: "24 bytes is not a whole number of 4-channel float32 frames"))) {
            try AudioDecoder.decodeRawFloat32(bytes, sampleRate: 8000, channels: 4, limits: AudioLimits())
        }
        for channels in [0, -2, 65] {
            #expect(throws: AudioError(.invalidParameter(name: "channels", reason: "must be between 1 and 64, got \(channels)"))) {
                try AudioDecoder.decodeRawFloat32(bytes, sampleRate: 8000, channels: channels, limits: AudioLimits())
            }
        }
    }

    static let badRaw: [(bytes: [UInt8], rate: Int, expected: AudioError.Kind)] = [
        ([], 16000, .empty),
        ([0, 0, 128], 16000, .invalidParameter(name: "raw float32 PCM", reason: "3 bytes is not a whole number of 4-byte samples")),
        ([0, 0, 192, 127], 16000, .nonFinite(sampleIndex: 0)),  // NaN
        ([0, 0, 0, 0, 0, 0, 128, 255], 16000, .nonFinite(sampleIndex: 1)),  // -Inf
        ([0, 0, 0, 0], 0, .invalidParameter(name: "sampleRate", reason: "must be between 1 and 768000 Hz, got 0")),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, .tooLong(seconds: 1.5, limit: 1)),
    ]

    @Test("bad raw float32 PCM fails with the right error", arguments: badRaw)
    func badRawFloat32(bytes: [UInt8], rate: Int, expected: AudioError.Kind) {
        #expect(throws: AudioError(expected)) {
            try AudioDecoder.decodeRawFloat32(bytes, sampleRate: rate, limits: AudioLimits(maxDuration: 1))
        }
    }

    @Test("limits that cannot work are rejected", arguments: [
        AudioLimits(maxDuration: 0), AudioLimits(maxDuration: .nan), AudioLimits(maxDuration: 1e9),
        AudioLimits(maxBytes: 0), AudioLimits(maxSampleRate: 0), AudioLimits(maxChannels: 0),
    ])
    func badLimits(limits: AudioLimits) {
        #expect {
            try AudioDecoder.decode(Fixtures.bytes("tone_10ms_22050.wav"), limits: limits)
        } throws: { error in
            if case .invalidParameter = (error as? AudioError)?.kind { return true }
            return false
        }
    }

    @Test("errors read as one actionable sentence")
    func messages() {
        #expect(AudioError(.tooLong(seconds: 61, limit: 60)).description == "audio lasts 61 s, over the limit of 60 s: send a shorter clip")
        #expect(AudioError(.tooLong(seconds: 1.2, limit: 1)).description == "audio lasts 1.20 s, over the limit of 1 s: send a shorter clip")
        #expect(AudioError(.nonFinite(sampleIndex: 7)).description == "sample 7 is NaN or infinite: audio must hold finite values")
    }
}
