import Synchronization

/// A value per key, made once by a task that every caller meanwhile shares, then kept, so that later callers
/// read it without suspending (`settled`). A task that throws is forgotten, so a later call tries again
/// (and reports its error again) rather than being stuck with it.
final class SettledTasks<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private enum Entry: Sendable {
        case running(Task<Value, any Error>)
        case settled(Value)
    }

    private let entries = Mutex<[Key: Entry]>([:])

    /// The value for `key`, from the task `make` starts unless some caller already started one.
    func value(for key: Key, make: () -> Task<Value, any Error>) async throws -> Value {
        let entry = entries.withLock { entries in
            if let entry = entries[key] { return entry }
            let entry = Entry.running(make())
            entries[key] = entry
            return entry
        }
        return try await settle(entry, key: key)
    }

    /// The value for `key` once its task has ended; nil while it runs, or before any caller asked.
    func settled(_ key: Key) -> Value? {
        entries.withLock { entries in
            guard case .settled(let value)? = entries[key] else { return nil }
            return value
        }
    }

    /// The value for `key` (waiting for its task), or nil when no caller asked for it yet.
    func existing(_ key: Key) async throws -> Value? {
        guard let entry = entries.withLock({ $0[key] }) else { return nil }
        return try await settle(entry, key: key)
    }

    /// The keys asked for so far, including those whose task is still running.
    var keys: [Key] { entries.withLock { Array($0.keys) } }

    private func settle(_ entry: Entry, key: Key) async throws -> Value {
        switch entry {
        case .settled(let value):
            return value
        case .running(let task):
            do {
                let value = try await task.value
                // Only this task's entry: a newer one may already have replaced a failed attempt.
                entries.withLock { entries in
                    if case .running(task)? = entries[key] { entries[key] = .settled(value) }
                }
                return value
            } catch {
                entries.withLock { entries in
                    if case .running(task)? = entries[key] { entries[key] = nil }
                }
                throw error
            }
        }
    }
}
