import Synchronization

/// Per-name commit state: the high-water version number and whether the name's directory is durable.
///
/// Its lock is held from number allocation through the rename and the directory fsync, so commits of
/// one name are published in number order and never share a number; commits of different names do not wait
/// for each other. A slot lives as long as the registry: names are never removed.
package final class NameSlot: Sendable {
    package struct State: Sendable {
        /// The largest number ever used for this name, visible or not; the next version is one more.
        package var highWater: Int64
        /// `models/<name>` exists and its entry in `models/` has been fsynced.
        package var directoryIsDurable: Bool
    }

    package let name: String
    private let state: Mutex<State>

    package init(name: String, highWater: Int64, directoryIsDurable: Bool) {
        self.name = name
        self.state = Mutex(State(highWater: highWater, directoryIsDurable: directoryIsDurable))
    }

    /// Runs one commit step exclusively for this name (blocking: callers are on worker threads).
    package func withCommitLock<Result: Sendable, Failure: Error>(
        _ body: (inout State) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try state.withLock { (state) throws(Failure) -> Result in try body(&state) }
    }

    package var highWater: Int64 {
        state.withLock { $0.highWater }
    }
}
