import MaaSClient
import MaaSProtocol
import Testing

/// The client's call matching and failure handling, against a scripted server that misbehaves on purpose.
/// Every test must end with a result or an error: never a crash, never a hang.
@Suite("MaaSClient calls")
struct MaaSClientTests {
    static func connect(_ server: FakeServer, maxFrameSize: Int = Framing.defaultMaxFrameSize) async throws -> MaaSClient {
        try await MaaSClient.connect(
            host: "127.0.0.1", port: server.port, configuration: .init(maxFrameSize: maxFrameSize))
    }

    static func request(_ name: String, version: Int64 = 0) -> PredictRequest {
        PredictRequest(name: name, version: version, inputs: [])
    }

    /// Answers a Predict call by echoing its name and version.
    static func echo(_ connection: FakeConnection, _ envelope: Envelope) throws {
        let request = try PredictRequest(serializedBytes: envelope.payload)
        connection.reply(to: envelope.callID, PredictResponse(name: request.name, version: request.version, outputs: []))
    }

    @Test("matches responses sent in reverse order to their calls")
    func outOfOrder() async throws {
        let server = try FakeServer { connection in
            var calls: [Envelope] = []
            for _ in 0..<3 { if let envelope = try connection.readEnvelope() { calls.append(envelope) } }
            for envelope in calls.reversed() { try Self.echo(connection, envelope) }
            connection.drain()
        }
        defer { server.stop() }
        let client = try await Self.connect(server)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 1...3 {
                group.addTask {
                    let response = try await client.predict(Self.request("m\(i)", version: Int64(i)))
                    #expect(response.name == "m\(i)")
                    #expect(response.version == Int64(i))
                }
            }
            try await group.waitForAll()
        }
        let frames = server.received.withLock { $0 }
        #expect(Set(frames.map(\.callID)).count == 3)
        #expect(!frames.contains { $0.callID == 0 })
        #expect(frames.allSatisfy { $0.method == Method.predict.rawValue && $0.endStream })
        await client.close()
    }

    @Test("ignores a response for a call id it never sent")
    func ignoresUnknownCallID() async throws {
        let server = try FakeServer { connection in
            while let envelope = try connection.readEnvelope() {
                connection.reply(to: envelope.callID + 1000, PredictResponse(name: "wrong", version: 9, outputs: []))
                try Self.echo(connection, envelope)
            }
        }
        defer { server.stop() }
        let client = try await Self.connect(server)
        #expect(try await client.predict(Self.request("right")).name == "right")
        #expect(try await client.predict(Self.request("again")).name == "again")
        await client.close()
    }

    @Test("times out with DEADLINE_EXCEEDED when only a wrong call id comes back, and tells the server the deadline")
    func deadline() async throws {
        let server = try FakeServer { connection in
            if let envelope = try connection.readEnvelope() {
                connection.reply(to: envelope.callID + 1, PredictResponse(name: "wrong", version: 1, outputs: []))
            }
            connection.drain()
        }
        defer { server.stop() }
        let client = try await Self.connect(server)
        let error = await #expect(throws: RPCError.self) {
            try await client.predict(Self.request("m"), timeout: .milliseconds(300))
        }
        #expect(error?.code == .deadlineExceeded)
        #expect(server.received.withLock { $0.first?.metadata[MetadataKey.timeoutMs] } == "300")
        await client.close()
    }

    @Test("throws the server's status code and message")
    func serverStatus() async throws {
        let server = try FakeServer { connection in
            if let envelope = try connection.readEnvelope() {
                connection.fail(envelope.callID, .notFound, "model 'x' is not registered")
            }
            connection.drain()
        }
        defer { server.stop() }
        let client = try await Self.connect(server)
        let error = await #expect(throws: RPCError.self) { try await client.listVersions(name: "x") }
        #expect(error == RPCError(.notFound, "model 'x' is not registered"))
        await client.close()
    }

    @Test("fails only the affected call when its response payload is undecodable")
    func undecodablePayload() async throws {
        let server = try FakeServer { connection in
            if let envelope = try connection.readEnvelope() {
                connection.send(Envelope(callID: envelope.callID, payload: [0x0A, 0xFF], status: .ok, endStream: true))
            }
            if let envelope = try connection.readEnvelope() { try Self.echo(connection, envelope) }
            connection.drain()
        }
        defer { server.stop() }
        let client = try await Self.connect(server)
        let error = await #expect(throws: RPCError.self) { try await client.predict(Self.request("a")) }
        #expect(error?.code == .internal)
        #expect(error?.message.contains("cannot decode the Predict response") == true)
        #expect(try await client.predict(Self.request("b")).name == "b")
        await client.close()
    }

    /// What the server does after reading two requests, and what both pending calls must then fail with.
    struct Breakage: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var closeAfter: Bool
        var code: StatusCode
        var mention: String
        var testDescription: String { name }
    }

    static let breakages: [Breakage] = [
        Breakage(
            name: "closes in the middle of a frame", bytes: [0, 0, 0, 100] + [UInt8](repeating: 0x0A, count: 10),
            closeAfter: true, code: .unavailable, mention: "middle of a frame"),
        Breakage(
            name: "announces a 4 GiB frame and sends no body", bytes: [0xFF, 0xFF, 0xFF, 0xF0], closeAfter: false,
            code: .internal, mention: "exceeds the maximum frame size"),
        Breakage(
            name: "sends a frame that is not an Envelope", bytes: [0, 0, 0, 1, 0x0F], closeAfter: false,
            code: .internal, mention: "malformed envelope"),
        Breakage(
            name: "reports a connection error with call id 0",
            bytes: Framing.frame(Envelope(callID: 0, status: Status(code: .resourceExhausted, message: "frame too large"), endStream: true)),
            closeAfter: true, code: .resourceExhausted, mention: "frame too large"),
        Breakage(name: "closes the connection", bytes: [], closeAfter: true, code: .unavailable, mention: "closed"),
    ]

    @Test("fails every pending call when the server", arguments: breakages)
    func connectionBreaks(breakage: Breakage) async throws {
        let server = try FakeServer { connection in
            _ = try connection.readEnvelope()
            _ = try connection.readEnvelope()
            connection.sendRaw(breakage.bytes)
            if breakage.closeAfter { connection.closeNow() } else { connection.drain() }
        }
        defer { server.stop() }
        let client = try await Self.connect(server)
        async let first = Self.outcome { () async throws(RPCError) in _ = try await client.predict(Self.request("a")) }
        async let second = Self.outcome { () async throws(RPCError) in _ = try await client.listVersions(name: "b") }
        for outcome in [await first, await second] {
            guard case .failure(let error) = outcome else {
                Issue.record("a call succeeded after the server \(breakage.name)")
                continue
            }
            #expect(error.code == breakage.code, "\(error)")
            #expect(error.message.contains(breakage.mention), "\(error)")
        }
        // The connection is gone: a new call fails at once instead of waiting.
        let later = await #expect(throws: RPCError.self) { try await client.predict(Self.request("c")) }
        #expect(later?.code == breakage.code)
        #expect(!client.isConnected)
        await client.close()
    }

    @Test("refuses a request frame over the size limit without sending it, and stays usable")
    func oversizedRequest() async throws {
        let server = try FakeServer { connection in
            while let envelope = try connection.readEnvelope() { try Self.echo(connection, envelope) }
        }
        defer { server.stop() }
        let client = try await Self.connect(server, maxFrameSize: 1024)
        let big = PredictRequest(
            name: "m", inputs: [NamedTensor(name: "x", tensor: Tensor(shape: [500], floats: .init(repeating: 1, count: 500)))])
        let error = await #expect(throws: RPCError.self) { try await client.predict(big) }
        #expect(error?.code == .resourceExhausted)
        #expect(try await client.predict(Self.request("small")).name == "small")
        #expect(server.received.withLock { $0.count } == 1)
        await client.close()
    }

    @Test("fails a waiting call with CANCELLED when its task is cancelled")
    func cancellation() async throws {
        let server = try FakeServer { connection in
            _ = try connection.readEnvelope()
            connection.drain()
        }
        defer { server.stop() }
        let client = try await Self.connect(server)
        let task = Task { () async throws(RPCError) -> PredictResponse in try await client.predict(Self.request("m")) }
        try await Self.waitUntil { server.received.withLock { $0.count } == 1 }
        task.cancel()
        let result = await task.result
        guard case .failure(let error) = result else {
            Issue.record("a cancelled call succeeded")
            return
        }
        #expect((error as? RPCError)?.code == .cancelled, "\(error)")
        await client.close()
    }

    @Test("fails calls in flight with CANCELLED when the client closes")
    func closeWhileWaiting() async throws {
        let server = try FakeServer { connection in
            _ = try connection.readEnvelope()
            connection.drain()
        }
        defer { server.stop() }
        let client = try await Self.connect(server)
        let task = Task { () async throws(RPCError) -> [ModelVersion] in try await client.listVersions(name: "m") }
        try await Self.waitUntil { server.received.withLock { $0.count } == 1 }
        await client.close()
        guard case .failure(let error) = await task.result else {
            Issue.record("a call succeeded after close")
            return
        }
        #expect((error as? RPCError)?.code == .cancelled, "\(error)")
    }

    @Test("reports UNAVAILABLE when nothing listens on the port")
    func connectionRefused() async throws {
        let server = try FakeServer { _ in }
        let port = server.port
        server.stop()
        let error = await #expect(throws: RPCError.self) {
            _ = try await MaaSClient.connect(host: "127.0.0.1", port: port)
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("127.0.0.1:\(port)") == true)
    }

    @Test("sends the frames of a raw call in order with method and metadata on the first")
    func rawCall() async throws {
        let server = try FakeServer { connection in
            let frames = try connection.readCall()
            connection.fail(frames[0].callID, .unimplemented, "unknown method \(frames[0].method)")
            connection.drain()
        }
        defer { server.stop() }
        let client = try await Self.connect(server)
        let response = try await client.call(
            method: "/maas.v1.ModelService/Nope", metadata: ["k": "v"], payloads: [[1], [2], [3]])
        #expect(response.status == Status(code: .unimplemented, message: "unknown method /maas.v1.ModelService/Nope"))
        let frames = server.received.withLock { $0 }
        #expect(frames.map(\.payload) == [[1], [2], [3]])
        #expect(frames.map(\.endStream) == [false, false, true])
        #expect(frames.map(\.method) == ["/maas.v1.ModelService/Nope", "", ""])
        #expect(frames.map(\.metadata) == [["k": "v"], [:], [:]])
        await client.close()
    }

    static func outcome(_ body: () async throws(RPCError) -> Void) async -> Result<Void, RPCError> {
        do {
            try await body()
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    /// Polls `condition` (bounded: 10 s) for tests that must wait until the fake server has read something.
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<1000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met within 10 s")
    }
}
