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

    private enum Entry {
        case loading(Task<LoadedModel, any Error>)
        /// Kept apart from its task so that a call can take it without suspending (`loadedModel`).
        case loaded(LoadedModel)
    }

    private let entries = Mutex<[Key: Entry]>([:])
    private let load: @Sendable (_ artifactPath: String) async throws -> LoadedModel

    /// - Parameter load: loads a native model file; runs blocking work off the event loops.
    init(load: @escaping @Sendable (_ artifactPath: String) async throws -> LoadedModel) {
        self.load = load
    }

    func model(for stored: StoredVersion) async throws -> LoadedModel {
        let key = Key(name: stored.info.name, version: stored.info.version)
        let entry = entries.withLock { entries in
            if let entry = entries[key] { return entry }
            let load = self.load
            let path = stored.artifactPath
            // Unstructured on purpose: a caller that times out must not cancel a load others are waiting for.
            let entry = Entry.loading(Task { try await load(path) })
            entries[key] = entry
            return entry
        }
        switch entry {
        case .loaded(let model):
            return model
        case .loading(let task):
            do {
                let model = try await task.value
                entries.withLock { entries in
                    if case .loading(task)? = entries[key] { entries[key] = .loaded(model) }
                }
                return model
            } catch {
                entries.withLock { entries in
                    // Only forget this attempt; a newer one may already have replaced it.
                    if case .loading(task)? = entries[key] { entries[key] = nil }
                }
                throw error
            }
        }
    }

    /// The model of `version` if it has finished loading; nil while it loads or before its first Predict.
    func loadedModel(name: String, version: Int64) -> LoadedModel? {
        entries.withLock { entries in
            guard case .loaded(let model)? = entries[Key(name: name, version: version)] else { return nil }
            return model
        }
    }

    var loadedCount: Int { entries.withLock { $0.count } }
}
