internal import CSndFile
import Synchronization

/// The one owner of an open `SNDFILE*`: it closes the handle when it goes away, on every path.
struct SoundFile: ~Copyable {
    private let handle: OpaquePointer
    private let source: MemoryFile
    let frames: Int
    let sampleRate: Int
    let channels: Int
    /// How `readMono` reads this file's samples: 16-bit PCM as shorts, everything else as floats.
    let nativeRead: SampleRead

    /// libsndfile reports why an open failed through a process-wide error slot, so opens are serialised
    /// to read back the reason that belongs to this call. Reading samples needs no lock.
    private static let openLock = Mutex(())

    /// Opens the bytes and reads the header; nothing is decoded yet.
    init(reading bytes: UnsafeRawBufferPointer) throws(AudioError) {
        let source = MemoryFile(bytes)
        var info = SF_INFO()
        var callbacks = MemoryFile.callbacks
        // The handle stays inside this function; the lock only orders the open against other opens.
        nonisolated(unsafe) var opened: OpaquePointer?
        let failure: Int32 = Self.openLock.withLock { _ in
            let userData = Unmanaged.passUnretained(source).toOpaque()
            opened = sf_open_virtual(&callbacks, Int32(SFM_READ), &info, userData)
            return opened == nil ? sf_error(nil) : 0
        }
        guard let handle = opened else {
            throw AudioError(.undecodable(reason: Self.message(sf_error_number(failure))))
        }
        self.handle = handle
        self.source = source
        self.frames = Int(info.frames)
        self.sampleRate = Int(info.samplerate)
        self.channels = Int(info.channels)
        self.nativeRead = info.format & Int32(SF_FORMAT_SUBMASK) == Int32(SF_FORMAT_PCM_16) ? .pcm16 : .float
    }

    deinit {
        sf_close(handle)
    }

    /// Checks the declared geometry against `limits` before any sample is decoded.
    func checkGeometry(_ limits: AudioLimits) throws(AudioError) {
        guard sampleRate > 0 else {
            throw AudioError(.undecodable(reason: "the header declares a sample rate of \(sampleRate) Hz"))
        }
        guard sampleRate <= limits.maxSampleRate else {
            throw AudioError(.tooLarge(what: "sample rate (Hz)", value: sampleRate, limit: limits.maxSampleRate))
        }
        guard channels > 0 else {
            throw AudioError(.undecodable(reason: "the header declares \(channels) channels"))
        }
        guard channels <= limits.maxChannels else {
            throw AudioError(.tooLarge(what: "channel count", value: channels, limit: limits.maxChannels))
        }
        // A length the header does not give is checked as the samples are read (`readMono(atMost:)`).
        guard let declaredSeconds else { return }
        guard frames > 0 else { throw AudioError(.empty) }
        guard declaredSeconds <= limits.maxDuration else {
            throw AudioError(.tooLong(seconds: declaredSeconds, limit: limits.maxDuration))
        }
    }

    /// libsndfile's frame count (`SF_COUNT_MAX`) for a file whose header gives no length: a FLAC written to a
    /// pipe leaves its STREAMINFO's total at 0, which the format allows.
    static let undeclaredFrames = Int(Int64.max)

    /// How long the header says the clip is, nil when it does not say; `readMono` never reads past it.
    var declaredSeconds: Double? {
        frames == Self.undeclaredFrames ? nil : Double(frames) / Double(sampleRate)
    }

    /// Decodes every frame as float (libsndfile scales integer formats to [-1, 1)) and averages the channels.
    /// `read` picks how libsndfile is asked (`nativeRead` unless a test compares the two); both give the same bits.
    ///
    /// Reads in fixed chunks; the header's length sizes the first allocation only up to 2^20 frames, and the
    /// output grows past that only as samples really arrive, so a header that lies about its length costs
    /// nothing. A read error after some frames (a truncated FLAC, say) is an error, not a silently shorter clip.
    /// `cap` bounds the frames read when the header gives no length.
    func readMono(_ read: SampleRead? = nil, atMost cap: Int = .max) throws(AudioError) -> [Float] {
        var reader = MonoReader(handle: handle, channels: channels, read: read ?? nativeRead)
        let target = min(frames, cap)
        // Clips up to 2^20 frames (the common case) are read straight into their array, with no copy.
        var mono = [Float](unsafeUninitializedCapacity: max(0, min(target, 1 << 20))) { buffer, count in
            count = reader.fill(buffer)
        }
        if mono.count < target, !reader.ended {
            let chunk = UnsafeMutableBufferPointer<Float>.allocate(capacity: MonoReader.chunkFrames)
            defer { chunk.deallocate() }
            while mono.count < target, !reader.ended {
                let wanted = min(chunk.count, target - mono.count)
                let got = reader.fill(UnsafeMutableBufferPointer(rebasing: chunk[..<wanted]))
                mono.append(contentsOf: chunk[..<got])
            }
        }
        let code = sf_error(handle)
        if code != 0 {
            let reason = Self.message(sf_strerror(handle))
            let of = declaredSeconds == nil ? "" : " of \(frames)"
            throw AudioError(.undecodable(reason: "\(reason) (after \(mono.count)\(of) frames)"))
        }
        guard !mono.isEmpty else { throw AudioError(.empty) }
        return mono
    }

    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown libsndfile error" }
        return reworded(String(cString: text))
    }

    /// libsndfile calls some malformed headers an "internal error", which a client would read as the
    /// server's fault; those few are said as what they mean for the file, the rest as libsndfile says them.
    static func reworded(_ reason: String) -> String {
        if reason.contains("SF_INFO struct incomplete") {
            return "its header declares an invalid sample rate, channel count or sample format"
        }
        if reason.hasPrefix("Unspecified internal error") {
            return "its header describes an encoding that cannot be decoded"
        }
        return reason
    }
}
