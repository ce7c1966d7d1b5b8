import Logging
import MaaSAudio
import MaaSEngine
import MaaSProtocol
import MaaSRegistry
import MaaSTransport
import NIOCore
import NIOPosix
import Synchronization

/// The maas server: accepts framed connections and serves `maas.v1.ModelService` on them.
///
/// ```swift
/// let server = try ModelServer(configuration: configuration, logger: logger)
/// // on SIGINT/SIGTERM: server.beginShutdown()
/// try await server.run { port in print("listening on \(port)") }
/// ```
public final class ModelServer: Sendable {
    public let configuration: ServerConfiguration
    private let logger: Logger
    private let registry: ModelRegistry
    private let lifecycle = Mutex(ServerLifecycle())
    /// Package access so tests can occupy the workers and observe the queue.
    package let inferencePool: InferencePool
    /// Each version's batch queue and its statistics (read by tests, and later by the metrics endpoint).
    let batchQueues: BatchQueues
    /// How calls were served (read by tests).
    let callCounts = CallCounts()

    /// Opens (and locks) the registry's data directory; throws if the configuration is invalid or the
    /// directory cannot be used.
    public init(configuration: ServerConfiguration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.registry = try ModelRegistry(
            configuration: RegistryConfiguration(
                directory: configuration.dataDirectory, maxModelSizeBytes: configuration.maxModelSizeBytes),
            logger: logger)
        self.inferencePool = InferencePool(
            workers: configuration.inferenceWorkers, queueDepth: configuration.inferenceQueueDepth,
            blasThreads: configuration.blasThreadsPerWorker)
        self.batchQueues = BatchQueues(
            settings: BatchQueue.Settings(
                maxBatchSize: configuration.maxBatchSize, maxQueueDelay: configuration.maxQueueDelay,
                maxInFlight: configuration.inferenceWorkers, maxWaiting: configuration.inferenceQueueDepth,
                padSequences: configuration.batchPadding),
            pool: inferencePool)
    }

    /// Binds, calls `onListening` with the bound port, and serves until `beginShutdown` has taken effect:
    /// it returns once the listener is closed and every connection has finished its calls and closed.
    /// A server runs once.
    public func run(onListening: @Sendable (Int) -> Void = { _ in }) async throws {
        try lifecycle.withLock { lifecycle throws(RPCError) in try lifecycle.start() }
        let blockingPool = NIOThreadPool(numberOfThreads: configuration.blockingThreads)
        blockingPool.start()
        inferencePool.start()
        let service = ModelService(
            registry: registry, blockingPool: blockingPool, inference: inferencePool,
            models: ModelCache { path in try await blockingPool.runIfActive { try LoadedModel.load(path: path) } },
            batches: batchQueues,
            counts: callCounts,
            loopCompute: LoopCompute(
                limit: configuration.loopComputeLimit, overlapMemory: configuration.loopComputeOverlapMemory,
                pool: inferencePool),
            audioLimits: AudioLimits(maxDuration: configuration.maxAudioSeconds, maxBytes: configuration.maxFrameSize))
        do {
            try await serve(service, onListening: onListening)
        } catch {
            await stop(blockingPool, batches: service.batches)
            throw error
        }
        await stop(blockingPool, batches: service.batches)
    }

    /// Stops accepting connections and lets in-flight calls finish; new calls on open connections get
    /// UNAVAILABLE. After `shutdownGracePeriod` the remaining connections are closed. `run` then returns.
    /// Safe to call from any thread, any number of times (a signal handler, a test).
    public func beginShutdown() {
        let action = lifecycle.withLock { $0.beginShutdown() }
        guard case .drain(let listener, let connections) = action else { return }
        logger.info("shutting down: not accepting connections, finishing calls in flight",
                    metadata: ["connections": "\(connections.count)"])
        listener.close(promise: nil)
        for connection in connections { connection.drain() }
        let grace = TimeAmount(clamping: configuration.shutdownGracePeriod)
        let timer = listener.eventLoop.scheduleTask(in: grace) { [self] in forceCloseLingering() }
        if !lifecycle.withLock({ $0.setGraceTimer(timer) }) { timer.cancel() }
    }

    private func serve(_ service: ModelService, onListening: @Sendable (Int) -> Void) async throws {
        let maxFrameSize = configuration.maxFrameSize
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Half-closure lets a client send its last request, shut its side, and still read the answers.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { [configuration, logger] channel in
                channel.eventLoop.makeCompletedFuture {
                    let room = OutboundRoom()
                    let inline = InlineCallHandler()
                    try channel.pipeline.syncOperations.addHandler(WritabilityHandler(room: room))
                    try channel.pipeline.syncOperations.addFrameCodec(maxFrameSize: maxFrameSize)
                    try channel.pipeline.syncOperations.addHandler(inline)
                    // Few decoded frames wait for the reader: with 8 MiB frames the default (10) would let one
                    // connection hold 80 MiB before TCP pushes back.
                    let frames = try NIOAsyncChannel<Envelope, Never>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 1, highWatermark: 2)))
                    let connection = Connection(
                        channel: frames, room: room, service: service, configuration: configuration, logger: logger)
                    inline.connection = connection
                    return connection
                }
            }
        let port = listener.channel.localAddress?.port ?? configuration.port
        if lifecycle.withLock({ $0.listening(on: listener.channel) }) {
            logger.info("listening", metadata: [
                "host": "\(configuration.host)", "port": "\(port)", "inference.workers": "\(configuration.inferenceWorkers)",
                "blas.threads_per_worker": "\(configuration.blasThreadsPerWorker)",
            ])
            onListening(port)
        } else {
            listener.channel.close(promise: nil)
        }

        try await withThrowingDiscardingTaskGroup { group in
            try await listener.executeThenClose { inbound in
                for try await connection in inbound {
                    let drainNow = lifecycle.withLock { $0.add(connection) }
                    // The connection's tasks (and their child calls) keep to the loop that owns its socket.
                    group.addTask(executorPreference: connection.taskExecutor) {
                        if drainNow { connection.drain() }
                        await connection.run()
                        self.lifecycle.withLock { $0.remove(connection) }
                    }
                }
            }
        }
    }

    private func stop(_ blockingPool: NIOThreadPool, batches: BatchQueues) async {
        lifecycle.withLock { $0.stopped() }?.cancel()
        await inferencePool.shutdown()
        try? await blockingPool.shutdownGracefully()
        // Until there is a metrics endpoint, the batching each version saw is told once, at the end.
        for (version, statistics) in await batches.statistics() where statistics.batches > 0 {
            logger.info("batching", metadata: statistics.logMetadata(name: version.name, version: version.version))
        }
        logger.info("stopped", metadata: [
            "predict.inline": "\(callCounts.inlineCalls)", "predict.computed_on_loop": "\(callCounts.loopComputedCalls)",
            "predict.loop_declined": "\(callCounts.loopDeclinedCalls)",
        ])
    }

    private func forceCloseLingering() {
        let lingering = lifecycle.withLock { $0.lingeringConnections }
        guard !lingering.isEmpty else { return }
        logger.warning("shutdown grace period over; closing connections with calls in flight",
                       metadata: ["connections": "\(lingering.count)"])
        for connection in lingering { connection.forceClose() }
    }
}
