import MaaSEngine
import MaaSRegistry

/// Models loaded so far, by name and version. A model loads on its first Predict and stays loaded.
///
/// Concurrent first Predicts of one version share one load. A failed load is forgotten, so a later call
/// tries again (and reports the error again) rather than being stuck with it.
final class ModelCache: Sendable {
    private struct Key: Hashable {
        let name: String
        let version: Int64
    }

    private let loads = SettledTasks<Key, LoadedModel>()
    private let load: @Sendable (_ artifactPath: String) async throws -> LoadedModel

    /// - Parameter load: loads a native model file; runs blocking work off the event loops.
    init(load: @escaping @Sendable (_ artifactPath: String) async throws -> LoadedModel) {
        self.load = load
    }

    func model(for stored: StoredVersion) async throws -> LoadedModel {
        let load = self.load
        let path = stored.artifactPath
        // Unstructured on purpose: a caller that times out must not cancel a load others are waiting for.
        return try await loads.value(for: Key(name: stored.info.name, version: stored.info.version)) {
            Task { try await load(path) }
        }
    }

    /// The model of a version if it has finished loading; nil while it loads or before its first Predict.
    func loadedModel(name: String, version: Int64) -> LoadedModel? {
        loads.settled(Key(name: name, version: version))
    }

    var loadedCount: Int { loads.keys.count }
}
