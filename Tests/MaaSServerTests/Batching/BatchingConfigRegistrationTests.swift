import MaaSProtocol
import Testing

@testable import MaaSServer

/// A version's own batching settings are checked at registration and kept with the version.
@Suite("Batching settings at registration", .timeLimit(.minutes(1)))
struct BatchingConfigRegistrationTests {
    private func register(_ batching: BatchingConfig, port: Int, callID: UInt64) async throws -> Envelope {
        let bytes = try MLPFixture.modelBytes()
        return try await FrameClient.connect(port: port) { client in
            try await client.sendRegistration(callID, header: ModelHeader(name: "mlp", batching: batching), bytes: bytes)
            return try #require(try await client.next())
        }
    }

    @Test("refuses sizes and delays out of range with INVALID_ARGUMENT naming the field, and creates no version",
          arguments: [
              (BatchingConfig(maxBatchSize: 4097), "batching.max_batch_size must be between 0"),
              (BatchingConfig(maxBatchSize: -1), "batching.max_batch_size must be between 0"),
              (BatchingConfig(maxQueueDelayMicroseconds: -5), "batching.max_queue_delay_us must be between 0 and 1000000"),
              (BatchingConfig(maxQueueDelayMicroseconds: 1_000_001), "batching.max_queue_delay_us must be between 0 and 1000000"),
          ])
    func refused(batching: BatchingConfig, message: String) async throws {
        try await TestServer.with { _, port in
            let answer = try await register(batching, port: port, callID: 1)
            #expect(answer.statusCode == .invalidArgument)
            #expect(answer.status?.message.contains(message) == true, "\(answer.status?.message ?? "")")
            // The server still serves, and nothing was registered.
            let accepted = try await register(BatchingConfig(maxBatchSize: 8, maxQueueDelayMicroseconds: 0), port: port, callID: 2)
            #expect(accepted.statusCode == .ok)
            let version = try #require(try accepted.response(RegisterModelResponse.self).version)
            #expect(version.version == 1)
            #expect(version.batching == BatchingConfig(maxBatchSize: 8, maxQueueDelayMicroseconds: 0))
        }
    }
}
