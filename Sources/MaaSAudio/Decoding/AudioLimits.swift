/// Bounds on what the decoder accepts, so hostile bytes or headers cannot make it allocate without limit.
///
/// The duration is checked from the header (frames / sample rate) before any sample is decoded; the other
/// bounds cap what a header may declare, since `frames × channels` sizes the read buffers.
public struct AudioLimits: Sendable, Equatable {
    /// Longest accepted clip, in seconds (the server's default is 60).
    public var maxDuration: Double
    /// Largest accepted encoded input, in bytes.
    public var maxBytes: Int
    /// Highest accepted sample rate, in Hz; 768 kHz is the highest rate audio interfaces record at.
    public var maxSampleRate: Int
    /// Most channels accepted; they are averaged to mono.
    public var maxChannels: Int

    public init(maxDuration: Double = 60, maxBytes: Int = 64 << 20, maxSampleRate: Int = 768_000, maxChannels: Int = 64) {
        self.maxDuration = maxDuration
        self.maxBytes = maxBytes
        self.maxSampleRate = maxSampleRate
        self.maxChannels = maxChannels
    }

    /// Most mono frames a clip within these limits can hold (the read loop never goes past it).
    var maxFrames: Int {
        Int((maxDuration * Double(maxSampleRate)).rounded(.up))
    }

    func validate() throws(AudioError) {
        guard maxDuration.isFinite, maxDuration > 0 else {
            throw AudioError(.invalidParameter(name: "maxDuration", reason: "must be a positive number of seconds, got \(maxDuration)"))
        }
        guard maxDuration * Double(maxSampleRate) < Double(Int32.max) else {
            throw AudioError(.invalidParameter(name: "maxDuration", reason: "\(maxDuration) s at \(maxSampleRate) Hz is more than 2^31 samples"))
        }
        guard maxBytes > 0 else {
            throw AudioError(.invalidParameter(name: "maxBytes", reason: "must be positive, got \(maxBytes)"))
        }
        guard maxSampleRate > 0 else {
            throw AudioError(.invalidParameter(name: "maxSampleRate", reason: "must be positive, got \(maxSampleRate)"))
        }
        guard maxChannels > 0 else {
            throw AudioError(.invalidParameter(name: "maxChannels", reason: "must be positive, got \(maxChannels)"))
        }
    }
}
