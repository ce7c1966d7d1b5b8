import Testing
@testable import MaaSAudio

/// 16-bit PCM is read as shorts and scaled in Swift; every other subformat through libsndfile's float read.
/// Each test reads the same bytes both ways and wants the same bits (or the same error).
@Suite("MonoReader")
struct MonoReaderTests {
    /// The file's own read and the float read, each from a fresh open of `bytes`.
    static func bothReads(_ bytes: [UInt8]) throws -> (native: SampleRead, own: Result<[Float], AudioError>, float: Result<[Float], AudioError>) {
        func open(_ read: SampleRead?) throws -> (SampleRead, Result<[Float], AudioError>) {
            try bytes.withUnsafeBytes { raw in
                let file = try SoundFile(reading: raw)
                return (file.nativeRead, Result { () throws(AudioError) in try file.readMono(read) })
            }
        }
        let (native, own) = try open(nil)
        let (_, float) = try open(.float)
        return (native, own, float)
    }

    /// Nil when both give the same bits or the same error, else where they first differ (a clip of 2^20
    /// samples is not worth printing whole).
    static func difference(_ a: Result<[Float], AudioError>, _ b: Result<[Float], AudioError>) -> String? {
        switch (a, b) {
        case (.success(let x), .success(let y)):
            guard x.count == y.count else { return "\(x.count) samples against \(y.count)" }
            guard let i = x.indices.first(where: { x[$0].bitPattern != y[$0].bitPattern }) else { return nil }
            return "sample \(i) of \(x.count): \(x[i]) against \(y[i])"
        case (.failure(let e), .failure(let f)):
            return e == f ? nil : "\(e) against \(f)"
        default:
            return "\(a.map(\.count)) against \(b.map(\.count))"
        }
    }

    /// A canonical 16-bit PCM WAV (format tag 1) of interleaved `samples`.
    static func wav(_ samples: [Int16], channels: Int, rate: Int = 16000) -> [UInt8] {
        var bytes: [UInt8] = []
        func u32(_ v: Int) { bytes += (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        func u16(_ v: Int) { bytes += (0..<2).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let dataBytes = 2 * samples.count
        bytes += Array("RIFF".utf8); u32(36 + dataBytes); bytes += Array("WAVE".utf8)
        bytes += Array("fmt ".utf8); u32(16); u16(1); u16(channels); u32(rate); u32(rate * channels * 2); u16(channels * 2); u16(16)
        bytes += Array("data".utf8); u32(dataBytes)
        bytes.reserveCapacity(bytes.count + dataBytes)
        for s in samples { withUnsafeBytes(of: s.littleEndian) { bytes += $0 } }
        return bytes
    }

    /// Both full-scale extremes, -1, 0 and 1 first, then a full-range pseudo-random sequence.
    static func samples(_ count: Int, seed: UInt32) -> [Int16] {
        var state = seed
        let edges: [Int16] = [.min, .max, -1, 0, 1]
        return (0..<count).map { i in
            if i < edges.count { return edges[i] }
            state = state &* 1_664_525 &+ 1_013_904_223
            return Int16(truncatingIfNeeded: state >> 16)
        }
    }

    @Test("16-bit files read as shorts give the float read's bits: WAV, FLAC, AIFF, 1 to 100 channels",
          arguments: ["speech_22050_s16.wav", "tone_10ms_22050.wav", "speech_16000_s16.flac", "long_silence_61s.flac",
                      "speech_44100_stereo.aiff", "pcm16_stereo_4099.flac", "pcm16_3ch_8195.flac", "broken_100_channels.wav"])
    func fixturesReadAlike(file: String) throws {
        let (native, own, float) = try Self.bothReads(Fixtures.bytes(file))
        #expect(native == .pcm16)
        let samples = try own.get()
        #expect(!samples.isEmpty)
        #expect(Self.difference(own, float) == nil)
    }

    // (channels, frames): one frame, lengths on either side of the 4096-frame chunk, 5 channels, and a clip
    // past the 2^20 frames read straight into the array (the rest grows a chunk at a time).
    @Test("generated 16-bit WAVs read as shorts give the float read's bits",
          arguments: [(1, 1), (1, 4097), (2, 4095), (2, 12_289), (3, 4099), (5, 777), (1, (1 << 20) + 4099), (2, (1 << 20) + 1)])
    func generatedWAVsReadAlike(channels: Int, frames: Int) throws {
        let ints = Self.samples(channels * frames, seed: UInt32(channels * 31 + frames))
        let (native, own, float) = try Self.bothReads(Self.wav(ints, channels: channels))
        #expect(native == .pcm16)
        let samples = try own.get()
        #expect(samples.count == frames)
        #expect(Self.difference(own, float) == nil)
        if channels == 1 {
            #expect(Self.difference(own, .success(ints.map { Float($0) / 32768 })) == nil)
        }
    }

    @Test("other sample formats keep libsndfile's float read",
          arguments: ["speech_11025_u8.wav", "speech_16000_s24.wav", "speech_16000_s32.wav", "speech_22050_float.wav",
                      "speech_16000_double.wav", "speech_22050.ogg", "speech_8000_alaw.wav", "speech_8000_ulaw.wav"])
    func otherFormatsReadFloats(file: String) throws {
        let (native, own, float) = try Self.bothReads(Fixtures.bytes(file))
        #expect(native == .float)
        #expect(Self.difference(own, float) == nil)
    }

    @Test("a truncated 16-bit FLAC fails with the same error either way")
    func truncatedFLACFailsAlike() throws {
        let (native, own, float) = try Self.bothReads(Fixtures.bytes("broken_truncated.flac"))
        #expect(native == .pcm16)
        guard case .failure(let error) = own, case .undecodable(let reason) = error.kind else {
            Issue.record("the truncated FLAC decoded: \(own)")
            return
        }
        #expect(reason.contains("of 19200 frames"))
        #expect(Self.difference(own, float) == nil)
    }

    @Test("16-bit files cut anywhere read the same either way (the same prefix, or the same error)",
          arguments: ["speech_16000_s16.flac", "speech_22050_s16.wav", "pcm16_3ch_8195.flac", "speech_44100_stereo.aiff"],
          [0.3, 0.5, 0.77, 0.999])
    func cutFilesReadAlike(file: String, fraction: Double) throws {
        let bytes = Fixtures.bytes(file)
        let cut = Array(bytes.prefix(Int(Double(bytes.count) * fraction)))
        let (_, own, float) = try Self.bothReads(cut)
        #expect(Self.difference(own, float) == nil)
    }
}
