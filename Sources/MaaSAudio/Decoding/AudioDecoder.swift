/// Audio bytes in, mono float samples out.
///
/// Files (WAV, FLAC, OGG/Vorbis, AIFF and whatever else libsndfile reads, in any sample format it reads) are
/// decoded from memory through libsndfile's virtual I/O. Channels are averaged to mono, as `librosa.load` does,
/// before any resampling. The bytes are treated as hostile: every failure is an `AudioError`, never a crash.
public enum AudioDecoder {
    public static func decode(_ bytes: [UInt8], maxDuration: Double) throws(AudioError) -> AudioClip {
        try decode(bytes, limits: AudioLimits(maxDuration: maxDuration))
    }

    public static func decode(_ bytes: [UInt8], limits: AudioLimits) throws(AudioError) -> AudioClip {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(AudioError) in try decode(buffer, limits: limits) }
        }.get()
    }

    /// Decodes bytes owned elsewhere (a field of a request buffer) without copying them first.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: AudioLimits) throws(AudioError) -> AudioClip {
        // Admitting every length, the decode always returns a clip.
        try decode(bytes, limits: limits, admitting: { _ in true })!
    }

    /// Like `decode(_:limits:)`, but first asks `admit` whether to decode a clip of the length its header
    /// declares (in seconds), and returns nil without decoding a sample when it says no. The declared length
    /// bounds the decoded one: reading stops at the header's frame count, so a clip never decodes longer than
    /// what was admitted (it may decode shorter, when the file ends early and that is not an error). A header
    /// that gives no length (a FLAC streamed to a pipe) is offered as the longest clip the limits allow, and
    /// its reading stops just past that limit.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer, limits: AudioLimits, admitting admit: (_ declaredSeconds: Double) -> Bool
    ) throws(AudioError) -> AudioClip? {
        try limits.validate()
        guard !bytes.isEmpty else { throw AudioError(.empty) }
        guard bytes.count <= limits.maxBytes else {
            throw AudioError(.tooLarge(what: "audio input (bytes)", value: bytes.count, limit: limits.maxBytes))
        }
        let file = try SoundFile(reading: bytes)
        try file.checkGeometry(limits)
        let declared = file.declaredSeconds
        guard admit(declared ?? limits.maxDuration) else { return nil }
        let limitFrames = Int((limits.maxDuration * Double(file.sampleRate)).rounded(.down))
        let samples = try file.readMono(atMost: declared == nil ? limitFrames + 1 : .max)
        if declared == nil, samples.count > limitFrames {
            throw AudioError(.tooLongUndeclared(limit: limits.maxDuration))
        }
        // 16-bit samples scaled by 1/32768 are finite by construction: only other formats need the scan.
        if file.nativeRead != .pcm16 { try checkFinite(samples) }
        return AudioClip(samples: samples, sampleRate: file.sampleRate)
    }

    /// Raw little-endian float32 PCM, interleaved when `channels` > 1 (averaged to mono, as files are), for
    /// callers that decoded the audio themselves.
    public static func decodeRawFloat32(
        _ bytes: [UInt8], sampleRate: Int, channels: Int = 1, limits: AudioLimits
    ) throws(AudioError) -> AudioClip {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(AudioError) in
                try decodeRawFloat32(buffer, sampleRate: sampleRate, channels: channels, limits: limits)
            }
        }.get()
    }

    public static func decodeRawFloat32(
        _ bytes: UnsafeRawBufferPointer, sampleRate: Int, channels: Int = 1, limits: AudioLimits
    ) throws(AudioError) -> AudioClip {
        try limits.validate()
        guard sampleRate > 0, sampleRate <= limits.maxSampleRate else {
            throw AudioError(.invalidParameter(name: "sampleRate", reason: "must be between 1 and \(limits.maxSampleRate) Hz, got \(sampleRate)"))
        }
        guard (1...limits.maxChannels).contains(channels) else {
            throw AudioError(.invalidParameter(name: "channels", reason: "must be between 1 and \(limits.maxChannels), got \(channels)"))
        }
        guard !bytes.isEmpty else { throw AudioError(.empty) }
        guard bytes.count <= limits.maxBytes else {
            throw AudioError(.tooLarge(what: "audio input (bytes)", value: bytes.count, limit: limits.maxBytes))
        }
        let frameBytes = 4 * channels
        guard bytes.count % frameBytes == 0 else {
            let unit = channels == 1 ? "4-byte samples" : "\(channels)-channel float32 frames"
            throw AudioError(.invalidParameter(name: "raw float32 PCM", reason: "\(bytes.count) bytes is not a whole number of \(unit)"))
        }
        let count = bytes.count / frameBytes
        let seconds = Double(count) / Double(sampleRate)
        guard seconds <= limits.maxDuration else {
            throw AudioError(.tooLong(seconds: seconds, limit: limits.maxDuration))
        }
        let samples = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                var sum: Float = 0
                for channel in 0..<channels {
                    let offset = (i * channels + channel) * 4
                    sum += Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                }
                buffer[i] = channels == 1 ? sum : sum / Float(channels)
            }
            initialized = count
        }
        try checkFinite(samples)
        return AudioClip(samples: samples, sampleRate: sampleRate)
    }

    static func checkFinite(_ samples: [Float]) throws(AudioError) {
        if let index = SignalOps.firstNonFinite(samples) {
            throw AudioError(.nonFinite(sampleIndex: index))
        }
    }
}
