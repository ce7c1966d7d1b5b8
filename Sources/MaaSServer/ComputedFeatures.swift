import MaaSEngine
import Synchronization

/// An audio request's features, kept from the worker that computed them for the answer (`include_features`),
/// which may be written by another worker: the one that ran the clip's batch.
final class ComputedFeatures: Sendable {
    private let stored = Mutex<HostTensor?>(nil)

    var value: HostTensor? { stored.withLock { $0 } }

    func store(_ features: HostTensor) {
        stored.withLock { $0 = features }
    }
}
