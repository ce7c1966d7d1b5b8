import Logging
import MaaSProtocol
import MaaSTransport
import NIOCore
import Synchronization

/// One client connection: reads frames, routes them to calls by id, and writes each call's final frame.
///
/// Calls run concurrently as child tasks and answer in any order. The reader is the only task that reads
/// the channel; it blocks only to apply backpressure: upload chunks wait for room in the upload budget
/// (`UploadBudget`), and new calls wait while the client is not reading its answers (`OutboundRoom`). Errors
/// that lose the framing (an oversized or undecodable frame) end the connection after an answer on call_id 0;
/// every other error ends only its call.
///
/// A Predict for a version that has served before takes a shorter way: the pipeline hands it to
/// `serveInline` (Connection+Inline.swift), which starts it without a task.
final class Connection: Sendable {
    struct State {
        var calls: CallTable
        /// `beginShutdown` gave up waiting: the channel was closed under the calls.
        var forced = false
        /// The reader was stopped (input closed) because the connection is draining and idle.
        var inputClosed = false
        /// Calls served inline, by id; also in `calls`.
        var inline: [UInt64: InlineCall] = [:]
        /// Resumed when the last inline call has been answered, for a reader whose input ended.
        var inlineDrained: CheckedContinuation<Void, Never>? = nil
        /// A flush of the answers written inline is queued on the event loop.
        var flushPending = false
    }

    /// How the reader's loop ended.
    private enum Ending {
        /// The client closed its sending side (or the server closed input to drain): calls may still answer.
        case endOfInput
        /// Framing was lost or the socket failed.
        case failed(any Error)
    }

    let channel: NIOAsyncChannel<Envelope, Never>
    private let room: OutboundRoom
    let service: ModelService
    let maxFrameSize: Int
    let defaultTimeout: Duration?
    let budget: UploadBudget
    let state: Mutex<State>
    let logger: Logger
    /// Where the connection's tasks run: the event loop that owns its socket (see `EventLoopTaskExecutor`).
    let taskExecutor: EventLoopTaskExecutor

    init(
        channel: NIOAsyncChannel<Envelope, Never>, room: OutboundRoom, service: ModelService,
        configuration: ServerConfiguration, logger: Logger
    ) {
        self.channel = channel
        self.room = room
        self.service = service
        self.maxFrameSize = configuration.maxFrameSize
        self.defaultTimeout = configuration.defaultTimeout
        self.budget = UploadBudget(limit: configuration.uploadBufferBytesPerConnection)
        self.state = Mutex(State(calls: CallTable(maxCalls: configuration.maxCallsPerConnection)))
        self.taskExecutor = EventLoopTaskExecutor(channel.channel.eventLoop)
        var logger = logger
        logger[metadataKey: "connection.peer"] = "\(channel.channel.remoteAddress.map { "\($0)" } ?? "unknown")"
        self.logger = logger
    }

    /// Serves the connection until it closes; never throws, so one connection cannot take the server down.
    func run() async {
        logger.debug("connection opened")
        do {
            try await channel.executeThenClose { inbound in
                await withDiscardingTaskGroup { calls in
                    let ending = await readFrames(inbound, calls: &calls)
                    await handleEnding(ending, calls: &calls)
                }
            }
        } catch {
            logger.debug("connection closed with an error", metadata: ["error": "\(error)"])
        }
        logger.debug("connection closed")
    }

    /// Server shutdown: refuse new calls, and stop reading once the calls in flight have been answered.
    func drain() {
        let closeInput = state.withLock { state in
            state.calls.beginDraining()
            return Self.shouldCloseInput(&state)
        }
        if closeInput { channel.channel.close(mode: .input, promise: nil) }
    }

    /// Shutdown grace period over: close the socket and cancel whatever is still running.
    func forceClose() {
        state.withLock { $0.forced = true }
        channel.channel.close(promise: nil)
    }

    // MARK: Reading

    private func readFrames(
        _ inbound: NIOAsyncChannelInboundStream<Envelope>, calls: inout DiscardingTaskGroup
    ) async -> Ending {
        do {
            for try await frame in inbound {
                await accept(frame, calls: &calls)
            }
            return .endOfInput
        } catch {
            return .failed(error)
        }
    }

    private func accept(_ frame: Envelope, calls: inout DiscardingTaskGroup) async {
        // A client that does not read its answers gets no new calls started (TCP then pushes back on it).
        await room.waitForRoom()
        let receivedAt = ContinuousClock.now
        let route = state.withLock { state in
            state.calls.route(frame) { UploadStream(budget: budget) }
        }
        switch route {
        case .start(let method):
            startCall(method, frame, uploads: nil, receivedAt: receivedAt, calls: &calls)
        case .startStreaming(let method, let stream):
            if frame.endStream { stream.finish() }
            startCall(method, frame, uploads: stream, receivedAt: receivedAt, calls: &calls)
        case .deliver(let stream):
            await budget.waitForRoom()
            stream.push(frame)
        case .reject(let error):
            let frame = Self.finalFrame(
                callID: frame.callID, method: frame.method, result: .failure(error), maxFrameSize: maxFrameSize, logger: logger)
            await send(frame, logger: logger)
        case .drop(let reason):
            logger.debug("dropped a frame", metadata: ["call.id": "\(frame.callID)", "reason": "\(reason)"])
        }
    }

    private func startCall(
        _ method: Method, _ request: Envelope, uploads: UploadStream?, receivedAt: ContinuousClock.Instant,
        calls: inout DiscardingTaskGroup
    ) {
        let responder = CallResponder(callID: request.callID, method: method.shortName, connection: self)
        calls.addTask {
            let deadline: ContinuousClock.Instant?
            do {
                deadline = try CallContext.deadline(
                    metadata: request.metadata, defaultTimeout: self.defaultTimeout, now: receivedAt)
            } catch {
                await responder.finish(.failure(error))
                return
            }
            let context = CallContext(
                id: request.callID, method: method, metadata: request.metadata, deadline: deadline,
                connectionLogger: self.logger)
            await self.serve(context, request: request, uploads: uploads, responder: responder)
        }
    }

    /// Runs the handler, racing it against the deadline; whichever ends first answers the call.
    private func serve(_ context: CallContext, request: Envelope, uploads: UploadStream?, responder: CallResponder) async {
        let service = self.service
        let handle: @Sendable () async -> Result<[UInt8], any Error> = {
            do {
                return .success(try await service.handle(context, request: request, uploads: uploads))
            } catch {
                return .failure(error)
            }
        }
        guard let deadline = context.deadline else {
            // Nothing to race: the handler runs in this task.
            await responder.finish(await handle())
            return
        }
        // The handler gets a task of its own so the deadline can cancel it, and the deadline is a timer on this
        // connection's event loop. (A task sleeping beside each call went through the global executor's
        // timers on another thread: 30–50 µs of CPU per call at c=8.)
        let work = Task(executorPreference: taskExecutor) { await handle() }
        let executor = taskExecutor
        let timer = channel.channel.eventLoop.scheduleTask(in: TimeAmount(clamping: ContinuousClock.now.duration(to: deadline))) {
            // A handler still running after its deadline is cancelled; its late answer is discarded.
            work.cancel()
            Task(executorPreference: executor) {
                await responder.finish(.failure(Self.deadlineExceeded))
            }
        }
        // The call's task waits for its handler either way, so the connection's group still ends after it.
        let result = await withTaskCancellationHandler { await work.value } onCancel: { work.cancel() }
        timer.cancel()
        await responder.finish(result)
    }

    /// What a call whose deadline passes is answered with.
    static let deadlineExceeded = RPCError(
        .deadlineExceeded, "the call did not finish within its deadline ('\(MetadataKey.timeoutMs)')")

    private func handleEnding(_ ending: Ending, calls: inout DiscardingTaskGroup) async {
        let (streams, forced, draining) = state.withLock { ($0.calls.openStreams, $0.forced, $0.calls.isDraining) }
        switch ending {
        case .endOfInput:
            // Calls already complete still answer; uploads cut short cannot.
            let cutShort = RPCError(.cancelled, "the connection's input ended before the upload's last frame")
            for stream in streams { stream.fail(cutShort) }
            if forced {
                calls.cancelAll()
                cancelInlineCalls()
            } else {
                // The channel closes once this returns: inline calls answer first, as the group's tasks do.
                await inlineCallsAnswered()
            }
        case .failed(let error):
            let cutShort = RPCError(.cancelled, "the connection failed before the upload's last frame")
            for stream in streams { stream.fail(cutShort) }
            cancelInlineCalls()
            if forced || draining {
                // The server closed the socket, or closed input while draining: nothing to tell the client.
                if forced { calls.cancelAll() }
                logger.debug("connection input ended", metadata: ["error": "\(error)"])
                return
            }
            if let frameError = error as? FrameError {
                // Framing is lost: say why on call_id 0, then close; later bytes cannot be tied to any call.
                let status = RPCError(converting: frameError, logger: logger).forWire()
                logger.info("closing connection after a framing error", metadata: ["error": "\(status)"])
                await send(Envelope(callID: 0, status: status.status, endStream: true), logger: logger)
            } else {
                logger.debug("connection failed", metadata: ["error": "\(error)"])
            }
            channel.channel.close(promise: nil)
            calls.cancelAll()
        }
    }

    // MARK: Answering

    /// Ends a call in the table (so its id may be reused), then writes its final frame.
    func answer(callID: UInt64, method: String, result: Result<[UInt8], any Error>) async {
        let (stream, closeInput) = state.withLock { state in
            let stream = state.calls.remove(callID)
            return (stream, Self.shouldCloseInput(&state))
        }
        stream?.close()
        let frame = Self.finalFrame(callID: callID, method: method, result: result, maxFrameSize: maxFrameSize, logger: logger)
        await send(frame, logger: logger)
        if closeInput { channel.channel.close(mode: .input, promise: nil) }
    }

    /// The final frame of a call: its response, or its error as a status. `logger` is the connection's; the
    /// call's id and method are added only to what is logged (no per-call logger for a call that logs nothing).
    static func finalFrame(
        callID: UInt64, method: String, result: Result<[UInt8], any Error>, maxFrameSize: Int, logger: Logger
    ) -> Envelope {
        var error: RPCError
        switch result {
        case .success(let payload):
            let frame = Envelope(callID: callID, payload: payload, status: .ok, endStream: true)
            // The envelope adds at most 21 bytes to the payload (id, tags, lengths, an empty status, end_stream);
            // serialize to measure only when that could cross the limit.
            let size = payload.count + 21 <= maxFrameSize ? nil : frame.serializedBytes().count
            guard let size, size > maxFrameSize else {
                logger.debug("call answered", metadata: ["call.id": "\(callID)", "rpc.method": "\(method)", "status.code": "OK"])
                return frame
            }
            error = RPCError(
                .resourceExhausted, "the response of \(size) bytes exceeds the maximum frame size of \(maxFrameSize) bytes")
        case .failure(let failure):
            error = RPCError(converting: failure, logger: CallContext.callLogger(logger, id: callID, method: method))
        }
        // Messages quote client-supplied text in part (`RPCError.forWire`).
        error = error.forWire()
        logger.info("call failed", metadata: [
            "call.id": "\(callID)", "rpc.method": "\(method)", "status.code": "\(error.code.name)",
            "status.message": "\(error.message)",
        ])
        return Envelope(callID: callID, status: error.status, endStream: true)
    }

    private func send(_ frame: Envelope, logger: Logger) async {
        do {
            try await channel.channel.writeAndFlush(frame).get()
        } catch {
            logger.debug("could not write a frame; the client is gone", metadata: ["error": "\(error)"])
        }
    }

    static func shouldCloseInput(_ state: inout State) -> Bool {
        guard state.calls.isDraining, state.calls.isEmpty, !state.inputClosed else { return false }
        state.inputClosed = true
        return true
    }
}
