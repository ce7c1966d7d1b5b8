import MaaSClient
import MaaSProtocol

#if canImport(Glibc)
import Glibc
#endif

/// A closed-loop load generator: `concurrency` workers, spread round-robin over the connections, each sending
/// the next request as soon as the previous answer arrives (the plan's requests in turn, worker i starting
/// with request i, so that several clips are in flight together from the start). The first `warmup` is not measured; the
/// measured window is bounded by CPU samples of this process and of the server.
///
/// The work per call is what any client pays (framing the prebuilt payload, matching the answer by call id)
/// plus one clock read pair and one lock: the response payload is not decoded, only its status is read.
struct LoadGenerator {
    var plan: LoadPlan
    var clients: [MaaSClient]
    var serverPID: Int32?

    /// How long calls still in flight at the end may take to finish before their connections are closed.
    static let drainGrace: Duration = .seconds(2)
    static let tick: Duration = .milliseconds(200)

    func run(progress: LoadProgress?) async -> LoadRecorder.Snapshot {
        let target: Int? = if case .requests(let n) = plan.stop { n } else { nil }
        let recorder = LoadRecorder(target: target)
        let serverPID = self.serverPID
        // Ctrl-C ends the measurement early and still prints the report; a second one exits at once.
        let trap = SignalTrap([SIGINT]) { _ in
            if recorder.end(interrupted: true) { recorder.setEndSample(CPUSample.take(serverPID: serverPID)) }
        }
        defer {
            trap.cancel()
            signal(SIGINT, SIG_DFL)
        }
        if plan.warmup == .zero { recorder.beginMeasuring(CPUSample.take(serverPID: serverPID)) }

        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<plan.concurrency {
                let client = clients[index % clients.count]
                // On the connection's event loop: each answer resumes its worker without a thread hop.
                group.addTask(executorPreference: client.taskExecutor) { [plan] in
                    await Self.work(client: client, plan: plan, first: index, recorder: recorder, serverPID: serverPID)
                    return true
                }
            }
            await timeline(recorder, progress: progress)
            group.addTask { [clients] in
                try? await Task.sleep(for: Self.drainGrace)
                if !Task.isCancelled {
                    for client in clients { await client.close() }
                }
                return false
            }
            var workers = plan.concurrency
            while workers > 0, let isWorker = await group.next() {
                if isWorker { workers -= 1 }
            }
            group.cancelAll()
        }
        progress?.finish()
        return recorder.snapshot()
    }

    private static func work(client: MaaSClient, plan: LoadPlan, first: Int, recorder: LoadRecorder, serverPID: Int32?) async {
        let method = Method.predict.rawValue
        let requests = plan.payloads.map { [$0] }
        var next = first % requests.count
        while recorder.mayStart() {
            let payloads = requests[next]
            next = next + 1 == requests.count ? 0 : next + 1
            let start = ContinuousClock.now
            let code: StatusCode
            do throws(RPCError) {
                let envelope = try await client.call(method: method, payloads: payloads, timeout: plan.timeout)
                code = envelope.status?.code ?? .ok
            } catch {
                if error.code == .unavailable, !client.isConnected {
                    recorder.abort(error)
                    return
                }
                code = error.code
            }
            switch recorder.record(code, latency: ContinuousClock.now - start) {
            case .keepGoing: continue
            case .stop: return
            case .tookLastRequest:
                recorder.setEndSample(CPUSample.take(serverPID: serverPID))
                return
            }
        }
    }

    /// Moves the run from warm-up to measuring to done at the planned times and redraws the progress line;
    /// returns when the run is done (time is up, the last request completed, Ctrl-C, or a connection lost).
    private func timeline(_ recorder: LoadRecorder, progress: LoadProgress?) async {
        let start = ContinuousClock.now
        let measureAt = start + plan.warmup
        while true {
            let now = ContinuousClock.now
            var numbers = recorder.progress()
            if numbers.phase == .done { break }
            if numbers.phase == .warmup, now >= measureAt {
                recorder.beginMeasuring(CPUSample.take(serverPID: serverPID))
                numbers = recorder.progress()
            }
            var wake = now + Self.tick
            if numbers.phase == .warmup { wake = min(wake, measureAt) }
            if case .duration(let length) = plan.stop, let since = numbers.measuringSince {
                if now >= since + length {
                    if recorder.end() { recorder.setEndSample(CPUSample.take(serverPID: serverPID)) }
                    break
                }
                wake = min(wake, since + length)
            }
            progress?.draw(numbers)
            try? await Task.sleep(until: wake, clock: .continuous)
        }
    }
}
