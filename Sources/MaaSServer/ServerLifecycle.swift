import MaaSProtocol
import NIOCore

/// Where a `ModelServer` is in its life. One server runs once:
///
/// ```
/// idle ──run──▶ starting ──bound──▶ running ──beginShutdown──▶ draining ──last connection gone──▶ stopped
///   │              └──beginShutdown──▶ startingShutdownRequested ──bound──▶ draining
///   └──beginShutdown──▶ stopped
/// ```
struct ServerLifecycle {
    enum State {
        case idle
        /// `run` is binding the listening socket.
        case starting
        /// `beginShutdown` came while binding; the listener closes as soon as it exists.
        case startingShutdownRequested
        case running(listener: any Channel, connections: [ObjectIdentifier: Connection])
        /// No new connections; the existing ones finish their calls. `graceTimer` forces them closed.
        case draining(connections: [ObjectIdentifier: Connection], graceTimer: Scheduled<Void>?)
        case stopped
    }

    /// What `beginShutdown` must do outside the lock.
    enum ShutdownAction {
        case none
        case drain(listener: any Channel, connections: [Connection])
    }

    private(set) var state = State.idle

    mutating func start() throws(RPCError) {
        switch state {
        case .idle:
            state = .starting
        case .starting, .startingShutdownRequested, .running, .draining:
            throw RPCError(.failedPrecondition, "the server is already running")
        case .stopped:
            throw RPCError(.failedPrecondition, "the server has stopped; a server runs only once")
        }
    }

    /// The listener is bound. Returns false if shutdown was requested meanwhile: the caller closes it.
    mutating func listening(on listener: any Channel) -> Bool {
        switch state {
        case .starting:
            state = .running(listener: listener, connections: [:])
            return true
        case .startingShutdownRequested:
            state = .draining(connections: [:], graceTimer: nil)
            return false
        case .idle, .running, .draining, .stopped:
            preconditionFailure("listening(on:) outside of run: \(state)")
        }
    }

    mutating func beginShutdown() -> ShutdownAction {
        switch state {
        case .idle:
            state = .stopped
            return .none
        case .starting:
            state = .startingShutdownRequested
            return .none
        case .running(let listener, let connections):
            state = .draining(connections: connections, graceTimer: nil)
            return .drain(listener: listener, connections: Array(connections.values))
        case .startingShutdownRequested, .draining, .stopped:
            return .none
        }
    }

    /// Returns false when the server already stopped; the caller then cancels the timer.
    mutating func setGraceTimer(_ timer: Scheduled<Void>) -> Bool {
        guard case .draining(let connections, _) = state else { return false }
        state = .draining(connections: connections, graceTimer: timer)
        return true
    }

    /// Registers an accepted connection; returns true if it must drain at once (shutdown has begun).
    mutating func add(_ connection: Connection) -> Bool {
        switch state {
        case .running(let listener, var connections):
            connections[ObjectIdentifier(connection)] = connection
            state = .running(listener: listener, connections: connections)
            return false
        case .draining(var connections, let timer):
            connections[ObjectIdentifier(connection)] = connection
            state = .draining(connections: connections, graceTimer: timer)
            return true
        case .idle, .starting, .startingShutdownRequested, .stopped:
            return true
        }
    }

    mutating func remove(_ connection: Connection) {
        switch state {
        case .running(let listener, var connections):
            connections[ObjectIdentifier(connection)] = nil
            state = .running(listener: listener, connections: connections)
        case .draining(var connections, let timer):
            connections[ObjectIdentifier(connection)] = nil
            state = .draining(connections: connections, graceTimer: timer)
        case .idle, .starting, .startingShutdownRequested, .stopped:
            break
        }
    }

    /// Connections still open once the grace period is over.
    var lingeringConnections: [Connection] {
        if case .draining(let connections, _) = state { return Array(connections.values) }
        return []
    }

    /// `run` is returning; hands back the grace timer to cancel.
    mutating func stopped() -> Scheduled<Void>? {
        defer { state = .stopped }
        if case .draining(_, let timer) = state { return timer }
        return nil
    }
}
