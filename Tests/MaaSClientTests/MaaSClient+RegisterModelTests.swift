import MaaSClient
import MaaSProtocol
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("MaaSClient.registerModel")
struct RegisterModelTests {
    /// A temporary file of `count` bytes following a fixed pattern; removed by the caller.
    static func makeFile(_ count: Int, tag: String) throws -> (path: String, bytes: [UInt8]) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let path = "/tmp/maas-client-\(tag)-\(getpid()).bin"
        let file = try #require(fopen(path, "wb"))
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, count, file) }
        fclose(file)
        return (path, bytes)
    }

    @Test("streams the file as a header frame then chunks, the last one ending the call")
    func streamsChunks() async throws {
        let (path, bytes) = try Self.makeFile(300_000, tag: "chunks")
        defer { unlink(path) }
        let server = try FakeServer { connection in
            let frames = try connection.readCall()
            var version = ModelVersion()
            version.name = "speech"
            version.version = 3
            connection.reply(to: frames[0].callID, RegisterModelResponse(version: version))
            connection.drain()
        }
        defer { server.stop() }
        let client = try await MaaSClientTests.connect(server)
        let reported = Mutex<[UInt64]>([])
        let header = ModelHeader(name: "speech", format: .onnx, description: "d", labels: ["team": "a"], sizeBytes: 300_000)
        let version = try await client.registerModel(header: header, fileAt: path, chunkSize: 65_536) { sent in
            reported.withLock { $0.append(sent) }
        }
        #expect(version.name == "speech")
        #expect(version.version == 3)

        let frames = server.received.withLock { $0 }
        let requests = try frames.map { try RegisterModelRequest(serializedBytes: $0.payload) }
        #expect(requests.first == RegisterModelRequest(.header(header)))
        var uploaded: [UInt8] = []
        for request in requests.dropFirst() {
            guard case .chunk(let chunk)? = request.kind else {
                Issue.record("expected a chunk after the header, got \(String(describing: request.kind))")
                continue
            }
            #expect(chunk.count <= 65_536)
            uploaded += chunk
        }
        #expect(uploaded == bytes)
        #expect(frames.count == 1 + 5)
        #expect(frames.map(\.endStream) == [false, false, false, false, false, true])
        #expect(frames[0].method == Method.registerModel.rawValue)
        #expect(frames.dropFirst().allSatisfy { $0.method.isEmpty && $0.callID == frames[0].callID })
        #expect(reported.withLock { $0 } == [65_536, 131_072, 196_608, 262_144, 300_000])
        await client.close()
    }

    @Test("sends one empty final chunk for an empty file")
    func emptyFile() async throws {
        let (path, _) = try Self.makeFile(0, tag: "empty")
        defer { unlink(path) }
        let server = try FakeServer { connection in
            let frames = try connection.readCall()
            connection.fail(frames[0].callID, .invalidArgument, "model file is empty")
            connection.drain()
        }
        defer { server.stop() }
        let client = try await MaaSClientTests.connect(server)
        let error = await #expect(throws: RPCError.self) {
            try await client.registerModel(header: ModelHeader(name: "m"), fileAt: path)
        }
        #expect(error == RPCError(.invalidArgument, "model file is empty"))
        let frames = server.received.withLock { $0 }
        #expect(frames.count == 2)
        #expect(try RegisterModelRequest(serializedBytes: frames[1].payload) == RegisterModelRequest(.chunk([])))
        #expect(frames.map(\.endStream) == [false, true])
        await client.close()
    }

    @Test("stops uploading and throws when the server refuses the call early")
    func earlyRefusal() async throws {
        let (path, _) = try Self.makeFile(4 << 20, tag: "early")
        defer { unlink(path) }
        let server = try FakeServer { connection in
            if let header = try connection.readEnvelope() {
                connection.fail(header.callID, .permissionDenied, "uploads are closed")
            }
            connection.drain()
        }
        defer { server.stop() }
        let client = try await MaaSClientTests.connect(server)
        let error = await #expect(throws: RPCError.self) {
            try await client.registerModel(header: ModelHeader(name: "m"), fileAt: path, chunkSize: 16_384)
        }
        #expect(error == RPCError(.permissionDenied, "uploads are closed"))
        // The connection still carries calls.
        #expect(client.isConnected)
        await client.close()
    }

    @Test(
        "refuses bad arguments before sending anything",
        arguments: [
            ("../etc", "/dev/null", 1024, "model name"),
            ("ok", "/nonexistent/model.onnx", 1024, "No such file"),
            ("ok", "/tmp", 1024, "not a regular file"),
            ("ok", "/dev/null", 0, "chunk size"),
            ("ok", "/dev/null", 8 << 20, "fit the frame size limit"),
        ])
    func refusesBadArguments(name: String, path: String, chunkSize: Int, mention: String) async throws {
        let server = try FakeServer { connection in
            while try connection.readEnvelope() != nil {}
        }
        defer { server.stop() }
        let client = try await MaaSClientTests.connect(server)
        let error = await #expect(throws: RPCError.self) {
            try await client.registerModel(header: ModelHeader(name: name), fileAt: path, chunkSize: chunkSize)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(mention) == true, "\(String(describing: error))")
        await client.close()
        #expect(server.received.withLock { $0.isEmpty })
    }
}
