internal import CSndFile

/// How `SoundFile.readMono` asks libsndfile for samples.
enum SampleRead: Sendable {
    /// `sf_readf_float`: any subformat, integers scaled by libsndfile to [-1, 1).
    case float
    /// `sf_readf_short`, scaled here by 1/32768: for 16-bit PCM only. The floats are the ones `sf_readf_float`
    /// gives (libsndfile normalises 16-bit PCM by 1/0x8000 too, an exact power of two), without its scalar
    /// conversion loop, which cost more than the rest of decoding a WAV.
    case pcm16
}

/// Reads an open file's frames into float buffers as mono, one fixed chunk of frames at a time, averaging the
/// channels as numpy's mean of float32 does (the float32 sum, times 0.5 for stereo, divided by the count
/// otherwise). It borrows the handle: its owner, `SoundFile`, creates it and lets it go within one call.
struct MonoReader: ~Copyable {
    /// Frames per libsndfile call: the interleaved chunk stays in L1 for every format but a many-channel one.
    static let chunkFrames = 4096

    /// libsndfile's scale for 16-bit PCM read as float.
    static let pcm16Scale: Float = 1.0 / 32768

    private let handle: OpaquePointer
    private let channels: Int
    private let read: SampleRead
    /// One chunk of interleaved frames as libsndfile returns them: Int16 for `.pcm16`, Float for `.float`
    /// (mono floats need none: they are read straight into the destination).
    private let interleaved: UnsafeMutableRawPointer
    /// Set once libsndfile returns no frame: the data ended, or an error (the file's error slot says which).
    private(set) var ended = false

    init(handle: OpaquePointer, channels: Int, read: SampleRead) {
        self.handle = handle
        self.channels = channels
        self.read = read
        let sampleBytes = read == .pcm16 ? MemoryLayout<Int16>.stride : MemoryLayout<Float>.stride
        interleaved = .allocate(byteCount: Self.chunkFrames * channels * sampleBytes, alignment: 64)
    }

    deinit {
        interleaved.deallocate()
    }

    /// Fills `destination` from its start and returns how many frames it holds; fewer than its count only
    /// when the file ended or failed (then `ended` is set).
    mutating func fill(_ destination: UnsafeMutableBufferPointer<Float>) -> Int {
        guard let base = destination.baseAddress else { return 0 }
        var filled = 0
        while filled < destination.count, !ended {
            let wanted = min(Self.chunkFrames, destination.count - filled)
            let got = read == .pcm16 ? readShorts(wanted, into: base + filled) : readFloats(wanted, into: base + filled)
            if got > 0 { filled += got } else { ended = true }
        }
        return filled
    }

    private func readShorts(_ wanted: Int, into out: UnsafeMutablePointer<Float>) -> Int {
        let shorts = interleaved.assumingMemoryBound(to: Int16.self)
        let got = Int(sf_readf_short(handle, shorts, sf_count_t(wanted)))
        if got > 0 { Self.mono(pcm16: shorts, frames: got, channels: channels, into: out) }
        return got
    }

    private func readFloats(_ wanted: Int, into out: UnsafeMutablePointer<Float>) -> Int {
        if channels == 1 { return Int(sf_readf_float(handle, out, sf_count_t(wanted))) }
        let floats = interleaved.assumingMemoryBound(to: Float.self)
        let got = Int(sf_readf_float(handle, floats, sf_count_t(wanted)))
        if got > 0 { Self.mono(floats, frames: got, channels: channels, into: out) }
        return got
    }

    /// 16-bit frames to mono floats. Each sample becomes exactly the float libsndfile would give
    /// (Float(x) / 32768 is exact), and is then averaged with the very operations `mono(_:)` applies, so both
    /// reads give the same bits. The mono and stereo loops are plain enough for the compiler to vectorise.
    static func mono(pcm16 samples: UnsafePointer<Int16>, frames: Int, channels: Int, into out: UnsafeMutablePointer<Float>) {
        let scale = pcm16Scale
        switch channels {
        case 1:
            for i in 0..<frames { out[i] = Float(samples[i]) * scale }
        case 2:
            // (0 + a) + b in `mono(_:)`: a is never -0 here, so 0 + a is a.
            for i in 0..<frames { out[i] = (Float(samples[2 * i]) * scale + Float(samples[2 * i + 1]) * scale) * 0.5 }
        default:
            let count = Float(channels)
            for frame in 0..<frames {
                var sum: Float = 0
                for channel in 0..<channels { sum += Float(samples[frame * channels + channel]) * scale }
                out[frame] = sum / count
            }
        }
    }

    /// Interleaved float frames to mono: numpy's mean of float32 (for two channels, times 0.5 and divided by
    /// 2 are the same).
    static func mono(_ samples: UnsafePointer<Float>, frames: Int, channels: Int, into out: UnsafeMutablePointer<Float>) {
        let count = Float(channels)
        for frame in 0..<frames {
            var sum: Float = 0
            for channel in 0..<channels { sum += samples[frame * channels + channel] }
            out[frame] = channels == 2 ? sum * 0.5 : sum / count
        }
    }
}
