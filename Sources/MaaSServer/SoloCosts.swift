import MaaSProtocol
import NIOCore
import Synchronization

/// What a version's Predict takes when it has the server to itself, learned from such calls: what decides
/// whether an idle server may compute a call on the event loop that read it (`LoopCompute`).
///
/// A speech model's work grows with its input (frames, or a clip's samples), so costs are kept per unit of
/// input, and apart for each kind of input: the tensors, the raw samples, or an audio file told apart by its
/// first four bytes (a byte of WAV and a byte of FLAC are very different amounts of audio). Each average moves a
/// quarter of the way to every new sample; the samples are the wall-clock times of calls that started while no
/// inference ran: from hand-off to answer when a worker ran them, so waking it and any wait for a core count,
/// and the estimate errs on the heavy side. A kind not seen alone yet has no estimate.
///
/// Tensors cost per byte. Audio costs per second of decoded audio, and its bytes are turned into seconds by the
/// kind's bytes per second: a compressed clip's bytes say little about its length (a FLAC of silence is a
/// hundred times smaller than one of speech as long), so a clip is checked again by its header's length
/// (`estimate(seconds:kind:)`), and one unusually compressible clip makes later ones look at most 4/3 as long,
/// instead of making a cost per byte a hundred times higher.
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

    private struct Averages {
        /// Nanoseconds per byte of tensors.
        var perByte: Double?
        /// Nanoseconds per second of decoded audio, and how many of the kind's bytes made a second.
        var perSecond: Double?
        var bytesPerSecond: Double?
    }

    /// A version sees a handful of kinds at most.
    private let averages = Mutex<[Kind: Averages]>([:])

    /// Teaches what a call of `bytes` of `kind` took alone; `seconds` is its clip's length when it was audio.
    func record(_ duration: Duration, bytes: Int, kind: Kind, seconds: Double? = nil) {
        let nanoseconds = Double(TimeAmount(clamping: duration).nanoseconds)
        averages.withLock { all in
            var averages = all[kind] ?? Averages()
            if let seconds {
                guard seconds > 0, bytes > 0 else { return }
                Self.move(&averages.perSecond, to: nanoseconds / seconds)
                Self.move(&averages.bytesPerSecond, to: Double(bytes) / seconds)
            } else {
                guard bytes > 0 else { return }
                Self.move(&averages.perByte, to: nanoseconds / Double(bytes))
            }
            all[kind] = averages
        }
    }

    /// What `bytes` of `kind` would take alone; nil until that kind has been timed.
    func estimate(bytes: Int, kind: Kind) -> Duration? {
        guard let averages = averages.withLock({ $0[kind] }) else { return nil }
        if let perSecond = averages.perSecond, let bytesPerSecond = averages.bytesPerSecond {
            return Self.duration(perSecond * Double(bytes) / bytesPerSecond)
        }
        return averages.perByte.map { Self.duration($0 * Double(bytes)) }
    }

    /// What a decoded clip of `seconds` of `kind` would take alone; nil until such a clip has been timed.
    func estimate(seconds: Double, kind: Kind) -> Duration? {
        guard let perSecond = averages.withLock({ $0[kind]?.perSecond }) else { return nil }
        return Self.duration(perSecond * seconds)
    }

    /// A sample that is not a finite number (a clip of a few femtoseconds) is dropped: it would stick.
    private static func move(_ average: inout Double?, to sample: Double) {
        guard sample.isFinite else { return }
        average = average.map { $0 + (sample - $0) / 4 } ?? sample
    }

    /// Saturates: a huge request's estimate (or one that is not a number) is far past any limit, not a crash.
    private static func duration(_ nanoseconds: Double) -> Duration {
        .nanoseconds(nanoseconds < 1e15 ? Int64(max(nanoseconds, 0)) : Int64(1e15))
    }
}
