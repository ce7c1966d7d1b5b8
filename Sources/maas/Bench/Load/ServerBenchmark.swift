import MaaSClient
import MaaSProtocol

/// `maas bench NAME[:VERSION]`: checks each request with one Predict, then drives the server with a
/// `LoadGenerator` and turns the run into a `LoadReport`.
struct ServerBenchmark {
    enum Input {
        case tensors([NamedTensor])
        /// One or more clips, sent in turn.
        case audio([[UInt8]])
    }

    var reference: ModelReference
    var input: Input
    var plan: LoadPlan
    var connections: Int
    var address: AddressOptions
    var serverPID: Int32?

    func run() async throws(CLIError) -> LoadReport {
        let requests: [PredictRequest]
        switch input {
        case .tensors(let tensors):
            requests = [PredictRequest(name: reference.name, version: reference.version, inputs: tensors)]
        case .audio(let clips):
            requests = clips.map { PredictRequest(name: reference.name, version: reference.version, audio: .file($0)) }
        }
        var clients: [MaaSClient] = []
        for _ in 0..<connections {
            do {
                clients.append(try await MaaSClient.connect(host: address.host, port: address.port))
            } catch {
                for client in clients { await client.close() }
                throw CLIError(error, target: address.display)
            }
        }
        do {
            let report = try await measure(requests, clients: clients)
            for client in clients { await client.close() }
            return report
        } catch {
            for client in clients { await client.close() }
            throw error
        }
    }

    private func measure(_ requests: [PredictRequest], clients: [MaaSClient]) async throws(CLIError) -> LoadReport {
        // One call per request first: a wrong name or input is an error before the run, not a table of failures.
        var answer: PredictResponse? = nil
        var plan = self.plan
        plan.payloads = []
        for (index, request) in requests.enumerated() {
            var request = request
            do throws(RPCError) {
                // It checks the request, not the speed: a first call may be slow (cold caches), so it gets at
                // least a minute whatever --timeout says. Pinned to the first answer's version, so a version
                // registered meanwhile does not change what is measured.
                if let answer { request.version = answer.version }
                answer = try await clients[0].predict(request, timeout: max(plan.timeout ?? .seconds(60), .seconds(60)))
            } catch {
                let hint = error.code == .notFound ? "`maas versions \(reference.name)` lists what is registered" : nil
                var failure = CLIError(error, hint: hint, target: address.display)
                if requests.count > 1 { failure.message = "--audio clip \(index + 1) of \(requests.count): " + failure.message }
                throw failure
            }
            request.version = answer?.version ?? request.version
            plan.payloads.append(request.serializedBytes())
        }
        guard let answer else { throw CLIError("no request to send", exit: .usage) }

        let owner = serverProcess()
        let pid: Int32? = if case .found(let pid) = owner { pid } else { nil }
        let generator = LoadGenerator(plan: plan, clients: clients, serverPID: pid)
        let snapshot = await generator.run(progress: LoadProgress.ifUseful(warmup: plan.warmup, stop: plan.stop))
        if let lost = snapshot.lost {
            throw CLIError(
                lost, hint: "the connection was lost after \(Units.grouped(snapshot.completed)) measured requests; is the server still running?",
                target: address.display)
        }
        guard let numbers = LoadReport.numbers(snapshot) else {
            throw CLIError("nothing was measured: interrupted during warm-up", exit: .failure)
        }
        var unavailable: String?
        var server: LoadReport.Server?
        switch owner {
        case .found(let pid):
            if let cpu = numbers.server {
                server = LoadReport.Server(pid: pid, process: ProcessCPU.commandLine(pid: pid), cpu: cpu)
            } else {
                unavailable = "process \(pid) could not be read before and after the run"
            }
        case .notFound(let reason):
            unavailable = reason
        }
        return LoadReport(
            model: answer.name, version: answer.version, address: address.display,
            input_kind: { if case .audio = input { "audio" } else { "tensor" } }(),
            distinct_requests: plan.payloads.count,
            request_bytes: plan.payloads.reduce(0) { $0 + $1.count } / max(plan.payloads.count, 1), concurrency: plan.concurrency, connections: clients.count,
            warmup_seconds: DurationText.seconds(plan.warmup), warmup_requests: snapshot.warmupCompleted,
            window_seconds: numbers.window, requests: snapshot.completed, ok: snapshot.ok, failed: snapshot.failed,
            errors: Dictionary(uniqueKeysWithValues: snapshot.failures.map { ($0.key.name, $0.value) }),
            requests_per_second: Double(snapshot.ok) / numbers.window, latency_ms: numbers.latency,
            generator: numbers.generator, server: server, server_cpu_unavailable: unavailable, interrupted: snapshot.interrupted)
    }

    /// The server's process: --server-pid, or the owner of the listening socket when the server is here.
    private func serverProcess() -> SocketOwner.Lookup {
        if let serverPID {
            guard ProcessCPU.seconds(pid: serverPID) != nil else {
                return .notFound("cannot read /proc/\(serverPID)/stat")
            }
            return .found(serverPID)
        }
        guard LocalHost.isLocal(address.host) else {
            return .notFound("\(address.host) is not this machine; pass --server-pid for a local server under another name")
        }
        return SocketOwner.find(port: address.port)
    }
}
