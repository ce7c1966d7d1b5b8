import MaaSClient
import MaaSProtocol

/// `maas bench NAME[:VERSION]`: checks the request with one Predict, then drives the server with a
/// `LoadGenerator` and turns the run into a `LoadReport`.
struct ServerBenchmark {
    enum Input {
        case tensors([NamedTensor])
        case audio([UInt8])
    }

    var reference: ModelReference
    var input: Input
    var plan: LoadPlan
    var connections: Int
    var address: AddressOptions
    var serverPID: Int32?

    func run() async throws(CLIError) -> LoadReport {
        var request: PredictRequest
        switch input {
        case .tensors(let tensors): request = PredictRequest(name: reference.name, version: reference.version, inputs: tensors)
        case .audio(let bytes): request = PredictRequest(name: reference.name, version: reference.version, audio: .file(bytes))
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
            let report = try await measure(request, clients: clients)
            for client in clients { await client.close() }
            return report
        } catch {
            for client in clients { await client.close() }
            throw error
        }
    }

    private func measure(_ request: PredictRequest, clients: [MaaSClient]) async throws(CLIError) -> LoadReport {
        var request = request
        // One call first: a wrong name or input is an error before the run, not a table of failures.
        let answer: PredictResponse
        do throws(RPCError) {
            // It checks the request, not the speed: a first call may be slow (cold caches), so it gets at
            // least a minute whatever --timeout says.
            answer = try await clients[0].predict(request, timeout: max(plan.timeout ?? .seconds(60), .seconds(60)))
        } catch {
            let hint = error.code == .notFound ? "`maas versions \(reference.name)` lists what is registered" : nil
            throw CLIError(error, hint: hint, target: address.display)
        }
        // Pinned, so a version registered during the run does not change what is measured.
        request.version = answer.version
        var plan = self.plan
        plan.payload = request.serializedBytes()

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
            request_bytes: plan.payload.count, concurrency: plan.concurrency, connections: clients.count,
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
