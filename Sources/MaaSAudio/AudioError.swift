/// Why audio could not be turned into features, in words a caller can act on.
///
/// Every case is the caller's fault (bad bytes, bad parameters, audio over a limit), so the server maps all
/// of them to INVALID_ARGUMENT and sends `description` as the message.
public struct AudioError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No bytes, or a file that holds no sample frames.
        case empty
        /// libsndfile could not open or read the bytes; `reason` is its own message.
        case undecodable(reason: String)
        /// The audio lasts longer than the caller's limit (known from the header, before decoding).
        case tooLong(seconds: Double, limit: Double)
        /// The header does not say how long the audio is (a FLAC streamed to a pipe), and decoding passed the
        /// caller's limit; it stopped there.
        case tooLongUndeclared(limit: Double)
        /// The input (or the file's declared geometry) is beyond a size limit.
        case tooLarge(what: String, value: Int, limit: Int)
        /// A sample is NaN or infinite; librosa rejects such audio too.
        case nonFinite(sampleIndex: Int)
        /// A configuration value or argument that cannot work (a zero sample rate, nFFT of 1, ...).
        case invalidParameter(name: String, reason: String)
        /// libsoxr refused the conversion; `reason` is its own message.
        case resamplingFailed(reason: String)
    }

    public var kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .empty:
            "audio is empty: send at least one sample frame"
        case .undecodable(let reason):
            "audio is not a readable WAV, FLAC, OGG/Vorbis or AIFF file: \(reason)"
        case .tooLong(let seconds, let limit):
            "audio lasts \(Self.format(seconds)) s, over the limit of \(Self.format(limit)) s: send a shorter clip"
        case .tooLongUndeclared(let limit):
            "audio lasts longer than the limit of \(Self.format(limit)) s (its header gives no length, and decoding "
                + "stopped at the limit): send a shorter clip"
        case .tooLarge(let what, let value, let limit):
            "\(what) is \(value), over the limit of \(limit)"
        case .nonFinite(let index):
            "sample \(index) is NaN or infinite: audio must hold finite values"
        case .invalidParameter(let name, let reason):
            "invalid \(name): \(reason)"
        case .resamplingFailed(let reason):
            "resampling failed: \(reason)"
        }
    }

    private static func format(_ seconds: Double) -> String {
        let hundredths = (seconds * 100).rounded()
        guard hundredths.isFinite, abs(hundredths) < 1e15 else { return "\(seconds)" }
        let whole = Int(hundredths) / 100
        let fraction = abs(Int(hundredths) % 100)
        return fraction == 0 ? "\(whole)" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
