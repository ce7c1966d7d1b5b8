internal import CSndFile
import Synchronization

/// The one owner of an open `SNDFILE*`: it closes the handle when it goes away, on every path.
struct SoundFile: ~Copyable {
    private let handle: OpaquePointer
    private let source: MemoryFile
    let frames: Int
    let sampleRate: Int
    let channels: Int

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
        guard frames > 0 else { throw AudioError(.empty) }
        let seconds = Double(frames) / Double(sampleRate)
        guard seconds <= limits.maxDuration else {
            throw AudioError(.tooLong(seconds: seconds, limit: limits.maxDuration))
        }
    }

    /// Decodes every frame as float (libsndfile scales integer formats to [-1, 1)) and averages the channels.
    ///
    /// Reads in fixed chunks and grows the output only as samples really arrive, so a header that lies about
    /// its length costs nothing. A read error after some frames (a truncated FLAC, say) is an error, not a
    /// silently shorter clip.
    func readMono() throws(AudioError) -> [Float] {
        let chunkFrames = 4096
        var interleaved = [Float](repeating: 0, count: chunkFrames * channels)
        var mono: [Float] = []
        mono.reserveCapacity(min(frames, 1 << 20))
        let scale = 1 / Float(channels)
        while mono.count < frames {
            let wanted = min(chunkFrames, frames - mono.count)
            let got = interleaved.withUnsafeMutableBufferPointer { buffer in
                Int(sf_readf_float(handle, buffer.baseAddress, sf_count_t(wanted)))
            }
            guard got > 0 else { break }
            if channels == 1 {
                mono.append(contentsOf: interleaved[0..<got])
            } else {
                for frame in 0..<got {
                    var sum: Float = 0
                    for channel in 0..<channels { sum += interleaved[frame * channels + channel] }
                    // numpy's mean divides the float32 sum by the count; for two channels it is exact either way.
                    mono.append(channels == 2 ? sum * scale : sum / Float(channels))
                }
            }
        }
        let code = sf_error(handle)
        if code != 0 {
            let reason = Self.message(sf_strerror(handle))
            throw AudioError(.undecodable(reason: "\(reason) (after \(mono.count) of \(frames) frames)"))
        }
        guard !mono.isEmpty else { throw AudioError(.empty) }
        return mono
    }

    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown libsndfile error" }
        return String(cString: text)
    }
}
