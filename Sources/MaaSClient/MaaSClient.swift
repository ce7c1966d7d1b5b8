import MaaSProtocol
import MaaSTransport
import NIOCore
import NIOPosix

/// An async client for `maas.v1.ModelService` over one TCP connection.
///
/// Many calls may be in flight at once; each gets a call id, and responses, which may come in any order, are
/// matched back by it. Every failure is an `RPCError`: the server's status for a refused call, and for
/// client-side failures UNAVAILABLE (cannot connect, connection lost — every pending call fails with it),
/// DEADLINE_EXCEEDED (a call's timeout passed), CANCELLED (the task was cancelled or the client closed),
/// INTERNAL (the server sent something the client cannot read). A lost connection is not re-established:
/// connect a new client.
public final class MaaSClient: Sendable {
    public let configuration: Configuration
    /// `host:port` as given to `connect`, for messages.
    public let peer: String
    let channel: any Channel
    let calls: PendingCalls
    /// The connection's event loop as a task executor: a task that makes many calls in a row (a load
    /// generator) runs there with `executorPreference`, so each answer resumes it without a thread hop.
    package let taskExecutor: EventLoopTaskExecutor

    private init(channel: any Channel, calls: PendingCalls, peer: String, configuration: Configuration) {
        self.channel = channel
        self.calls = calls
        self.taskExecutor = EventLoopTaskExecutor(channel.eventLoop)
        self.peer = peer
        self.configuration = configuration
    }

    deinit {
        channel.close(promise: nil)
    }

    /// Opens a connection to a maas server.
    public static func connect(
        host: String, port: Int, configuration: Configuration = Configuration()
    ) async throws(RPCError) -> MaaSClient {
        let peer = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard (1...65535).contains(port) else {
            throw RPCError(.invalidArgument, "port \(port) is not in 1–65535")
        }
        guard configuration.maxFrameSize > 0 else {
            throw RPCError(.invalidArgument, "maxFrameSize must be positive, not \(configuration.maxFrameSize)")
        }
        let calls = PendingCalls()
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addFrameCodec(maxFrameSize: configuration.maxFrameSize)
                    try channel.pipeline.syncOperations.addHandler(CallRouter(calls: calls, peer: peer))
                }
            }
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            return MaaSClient(channel: channel, calls: calls, peer: peer, configuration: configuration)
        } catch {
            throw RPCError(.unavailable, "cannot connect to \(peer): \(ConnectFailure.describe(error))")
        }
    }

    /// Closes the connection. Calls still in flight fail with CANCELLED.
    public func close() async {
        calls.failAll(RPCError(.cancelled, "the client was closed"))
        try? await channel.close().get()
    }

    /// Whether the connection can still carry calls.
    public var isConnected: Bool { calls.closedWith == nil && channel.isActive }
}
