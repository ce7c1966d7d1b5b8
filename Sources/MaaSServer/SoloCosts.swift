import MaaSProtocol
import NIOCore
import Synchronization

/// What a version's Predict takes when it has the server to itself, per byte of its input, learned from such
/// calls: what decides whether an idle server may compute a call on the event loop that read it (`LoopCompute`).
///
/// A speech model's work grows with its input (frames, or a clip's samples), so the cost is kept per byte of
/// the request's tensors or clip, and apart for each kind of input, since a byte costs very different amounts
/// in features, in raw samples, in a WAV file and in a compressed one (FLAC, Ogg): the kind is the tensors, the
/// raw samples, or the file's first four bytes. Each kind keeps a moving average (weight 1/4) of the wall-clock
/// time of calls that started while no inference ran: from hand-off to answer when a worker ran them, so waking
/// it and any wait for a core count, and the estimate errs on the heavy side. A kind not seen alone yet has no
/// estimate.
final class SoloCosts: Sendable {
    /// What a request's bytes are, for the purpose of their cost.
    struct Kind: Hashable, Sendable {
        fileprivate let tag: UInt64

        static let tensors = Kind(tag: 1 << 32)
        static let rawAudio = Kind(tag: 2 << 32)

        /// An audio file, told apart by its first four bytes (RIFF, FORM, fLaC, OggS, …).
        static func audioFile(_ bytes: BytesView) -> Kind {
            var magic: UInt64 = 3 << 32
            for index in 0..<min(4, bytes.count) { magic |= UInt64(bytes[index]) << (8 * index) }
            return Kind(tag: magic)
        }
    }

    /// Nanoseconds per byte, by kind. A version sees a handful of kinds at most.
    private let perByte = Mutex<[Kind: Double]>([:])

    func record(_ duration: Duration, bytes: Int, kind: Kind) {
        guard bytes > 0 else { return }
        let sample = Double(TimeAmount(clamping: duration).nanoseconds) / Double(bytes)
        perByte.withLock { averages in
            averages[kind] = averages[kind].map { $0 + (sample - $0) / 4 } ?? sample
        }
    }

    /// What `bytes` of `kind` would take alone; nil until that kind has been timed.
    func estimate(bytes: Int, kind: Kind) -> Duration? {
        guard let average = perByte.withLock({ $0[kind] }) else { return nil }
        return .nanoseconds(Int64(min(average * Double(bytes), 1e15)))
    }
}
