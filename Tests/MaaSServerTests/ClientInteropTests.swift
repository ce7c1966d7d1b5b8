import MaaSClient
import MaaSProtocol
import Testing

@testable import MaaSServer

/// The real client library against the real server: the two halves of the protocol agree.
@Suite("MaaSClient against ModelServer", .timeLimit(.minutes(1)))
struct ClientInteropTests {
    @Test("registers from a file, lists, and runs concurrent predictions on one connection")
    func roundTrip() async throws {
        let expected = try MLPFixture.expected()
        let path = MLPFixture.directory.appendingPathComponent("mlp.onnx").path
        try await TestServer.with({ $0.inferenceWorkers = 2; $0.inferenceQueueDepth = 32 }) { _, port in
            let client = try await MaaSClient.connect(host: "127.0.0.1", port: port)
            let version = try await client.registerModel(
                header: ModelHeader(name: "mlp", sha256: expected.sha256), fileAt: path, chunkSize: 200)
            #expect(version.version == 1)
            #expect(try await client.listVersions(name: "mlp") == [version])

            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    let run = expected.runs[index % expected.runs.count]
                    group.addTask {
                        let response = try await client.predict(MLPFixture.predictRequest(name: "mlp", run: run))
                        #expect(response.version == 1)
                        let values = try #require(response.outputs.first?.tensor).floatValues()
                        #expect(zip(values, run.y.values).allSatisfy { abs($0 - $1) <= 1e-5 })
                    }
                }
                try await group.waitForAll()
            }

            await #expect(throws: RPCError.self) {
                _ = try await client.listVersions(name: "absent")
            }
            #expect(client.isConnected)
            await client.close()
        }
    }
}
