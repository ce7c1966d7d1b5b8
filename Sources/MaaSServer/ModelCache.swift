import MaaSEngine
import MaaSRegistry
import Synchronization

/// Models loaded so far, by name and version. A model loads on its first Predict and stays loaded.
///
/// Concurrent first Predicts of one version share one load. A failed load is forgotten, so a later call
/// tries again (and reports the error again) rather than being stuck with it.
final class ModelCache: Sendable {
    private struct Key: Hashable {
        let name: String
        let version: Int64
    }

    private let entries = Mutex<[Key: Task<LoadedModel, any Error>]>([:])
    private let load: @Sendable (_ artifactPath: String) async throws -> LoadedModel

    /// - Parameter load: loads a native model file; runs blocking work off the event loops.
    init(load: @escaping @Sendable (_ artifactPath: String) async throws -> LoadedModel) {
        self.load = load
    }

    func model(for stored: StoredVersion) async throws -> LoadedModel {
        let key = Key(name: stored.info.name, version: stored.info.version)
        let task = entries.withLock { entries in
            if let task = entries[key] { return task }
            let load = self.load
            let path = stored.artifactPath
            // Unstructured on purpose: a caller that times out must not cancel a load others are waiting for.
            let task = Task { try await load(path) }
            entries[key] = task
            return task
        }
        do {
            return try await task.value
        } catch {
            entries.withLock { entries in
                // Only forget this attempt; a newer one may already have replaced it.
                if entries[key] == task { entries[key] = nil }
            }
            throw error
        }
    }

    var loadedCount: Int { entries.withLock { $0.count } }
}
