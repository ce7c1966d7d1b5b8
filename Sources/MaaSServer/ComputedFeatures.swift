import MaaSEngine
import Synchronization

/// An audio request's features, kept from the worker that computed them for the answer (`include_features`),
/// which may be written by another worker: the one that ran the clip's batch. Also the clip's length, which
/// teaches the version what a second of audio costs (`SoloCosts`).
final class ComputedFeatures: Sendable {
    private let stored = Mutex<(features: HostTensor, seconds: Double)?>(nil)

    var value: HostTensor? { stored.withLock { $0?.features } }
    var seconds: Double? { stored.withLock { $0?.seconds } }

    func store(_ computed: AudioInput.Computed) {
        stored.withLock { $0 = (computed.features, computed.seconds) }
    }
}
