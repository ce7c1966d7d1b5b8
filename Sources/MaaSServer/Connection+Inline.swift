import MaaSProtocol
import NIOCore

/// A call started by `Connection.serveInline`: its run, and the timer of its deadline.
struct InlineCall: Sendable {
    let run: PredictRun
    let timer: Scheduled<Void>?
}

/// The short way for the most frequent call: a Predict for a version that has served before.
///
/// Such a call needs nothing that waits (its model is loaded and its batching decided), so it does not get a
/// task: on the event loop, as the frame is read, it is decoded, checked, entered in the call table and handed
/// to the inference pool; the worker that runs it serializes the answer and the event loop only writes it.
/// Measured against the task-per-call path (reader task, child task, continuation, awaited write): see
/// Benchmarks/RESULTS.md. When the server is idle and the call light, the loop computes it itself
/// (`compute`, `LoopCompute`): the handler holds it to the end of the read, so calls that arrive together
/// still go to the workers and may batch. Everything else (a version's first call, bad requests, other methods, a socket that
/// is not taking answers) goes on to the reader as before, which answers errors with the same messages.
extension Connection {
    /// Starts `frame`'s call here when it is a ready Predict, or hands it back as one the loop may compute
    /// itself (`compute`); `.leftToReader` leaves the frame to the reader. On the connection's event loop.
    func serveInline(_ frame: Envelope) -> InlineOutcome {
        // A client not reading its answers gets no new calls: the reader waits for room (`OutboundRoom`).
        guard frame.method == Method.predict.rawValue, channel.channel.isWritable else { return .leftToReader }
        let receivedAt = ContinuousClock.now
        let deadline: ContinuousClock.Instant?
        let prepared: PreparedPredict
        do {
            deadline = try CallContext.deadline(metadata: frame.metadata, defaultTimeout: defaultTimeout, now: receivedAt)
            prepared = try service.preparePredict(frame.payload)
        } catch {
            return .leftToReader
        }
        guard let (model, batch) = service.readyModel(for: prepared) else { return .leftToReader }

        let callID = frame.callID
        switch state.withLock({ $0.calls.route(frame) { UploadStream(budget: budget) } }) {
        case .start:
            break
        case .reject(let error):
            writeSoon(Self.finalFrame(
                callID: callID, method: frame.method, result: .failure(error), maxFrameSize: maxFrameSize, logger: logger))
            return .started
        case .startStreaming, .deliver, .drop:
            // Predict is unary and names its method: the table routes it only as above.
            preconditionFailure("a Predict frame was routed as part of a stream")
        }
        let ready = ReadyPredict(
            callID: callID, prepared: prepared, model: model, batch: batch, deadline: deadline,
            context: CallContext(
                id: callID, method: .predict, metadata: frame.metadata, deadline: deadline, connectionLogger: logger))
        if refusedLate(ready) { return .started }
        let arrival = service.loopCompute.arrived(at: receivedAt)
        if let estimate = service.loopCompute.admits(service.loopEstimate(prepared, batch: batch), after: arrival) {
            return .computable(ready, estimate: estimate)
        }
        start(ready)
        return .started
    }

    /// Computes a call `serveInline` found computable here (expected to take `estimate`), if the server is still
    /// idle; else starts it.
    func compute(_ ready: ReadyPredict, estimate: Duration) {
        if refusedLate(ready) { return }
        guard var result = service.computeOnLoop(
            ready.prepared, model: ready.model, batch: ready.batch, call: ready.context, estimate: estimate)
        else { return start(ready) }
        service.counts.countInline()
        if let deadline = ready.deadline, deadline <= .now { result = .failure(Self.deadlineExceeded) }
        answer(ready, result)
    }

    /// Answers DEADLINE_EXCEEDED without running the call, and returns true, if its deadline has passed
    /// already (a timeout of 0, or a busy loop): handed to a worker, it would race its own timer.
    private func refusedLate(_ ready: ReadyPredict) -> Bool {
        guard let deadline = ready.deadline, deadline <= .now else { return false }
        service.counts.countInline()
        answer(ready, .failure(Self.deadlineExceeded))
        return true
    }

    /// Ends a ready call that was not handed to a worker with `result`.
    private func answer(_ ready: ReadyPredict, _ result: Result<[UInt8], any Error>) {
        let closeInput = state.withLock { state in
            _ = state.calls.remove(ready.callID)
            return Self.shouldCloseInput(&state)
        }
        // The read that brought the call has ended (`InlineCallHandler.channelReadComplete`): nothing else
        // can join this write, so it leaves now rather than at the end of the loop's tick.
        channel.channel.writeAndFlush(Self.finalFrame(
            callID: ready.callID, method: Method.predict.shortName, result: result, maxFrameSize: maxFrameSize,
            logger: logger), promise: nil)
        if closeInput { channel.channel.close(mode: .input, promise: nil) }
    }

    /// Hands a ready call to the inference pool, with a timer for its deadline; the worker's answer is written
    /// from the loop.
    func start(_ ready: ReadyPredict) {
        let callID = ready.callID
        let run = PredictRun(batch: ready.batch)
        let eventLoop = channel.channel.eventLoop
        let timer = ready.deadline.map { deadline in
            eventLoop.scheduleTask(in: TimeAmount(clamping: ContinuousClock.now.duration(to: deadline))) {
                run.cancel()
                self.finishInline(callID, run: run, result: .failure(Self.deadlineExceeded))
            }
        }
        state.withLock { $0.inline[callID] = InlineCall(run: run, timer: timer) }
        service.loopCompute.handedOff()
        // Counted once it is entered, as tests wait for the count to act on a call under way.
        service.counts.countInline()
        service.startPredict(ready.prepared, model: ready.model, run: run, call: ready.context) { result in
            eventLoop.execute { self.finishInline(callID, run: run, result: result) }
        }
    }

    /// Answers an inline call, unless its deadline (or its worker) already did. On the event loop.
    func finishInline(_ callID: UInt64, run: PredictRun, result: Result<[UInt8], any Error>) {
        let (call, closeInput, drained) = state.withLock { state -> (InlineCall?, Bool, CheckedContinuation<Void, Never>?) in
            // The id may already belong to a newer call: only this run's entry ends it.
            guard let call = state.inline[callID], call.run === run else { return (nil, false, nil) }
            state.inline[callID] = nil
            _ = state.calls.remove(callID)
            var drained: CheckedContinuation<Void, Never>? = nil
            if state.inline.isEmpty { swap(&drained, &state.inlineDrained) }
            return (call, Self.shouldCloseInput(&state), drained)
        }
        guard let call else { return }
        service.loopCompute.answered()
        call.timer?.cancel()
        writeSoon(Self.finalFrame(
            callID: callID, method: Method.predict.shortName, result: result, maxFrameSize: maxFrameSize, logger: logger))
        if closeInput { channel.channel.close(mode: .input, promise: nil) }
        drained?.resume()
    }

    /// Returns once every inline call has been answered.
    func inlineCallsAnswered() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                guard !state.inline.isEmpty else { return true }
                state.inlineDrained = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// The connection is gone: inline calls still waiting for a worker or a batch are dropped.
    func cancelInlineCalls() {
        let runs = state.withLock { state in state.inline.values.map(\.run) }
        for run in runs { run.cancel() }
    }

    /// Writes `frame` now and flushes once the event loop has run what is queued: the answers of a batch,
    /// resumed one after the other, leave in one write.
    private func writeSoon(_ frame: Envelope) {
        let channel = self.channel.channel
        channel.write(frame, promise: nil)
        let first = state.withLock { state in
            defer { state.flushPending = true }
            return !state.flushPending
        }
        guard first else { return }
        channel.eventLoop.execute {
            self.state.withLock { $0.flushPending = false }
            channel.flush()
        }
    }
}
