import Foundation
import MaaSProtocol
import Testing

@testable import MaaSServer

@Suite("Answers a client does not read", .timeLimit(.minutes(1)))
struct OutboundRoomTests {
    @Test("waiting for room returns at once while writable or closed, and when writability comes back")
    func room() async throws {
        let room = OutboundRoom()
        await room.waitForRoom()
        room.setWritable(false)
        let waiter = Task { await room.waitForRoom() }
        try await Task.sleep(for: .milliseconds(20))
        room.setWritable(false)
        room.setWritable(true)
        await waiter.value

        room.setWritable(false)
        let second = Task { await room.waitForRoom() }
        room.close()
        await second.value
        await room.waitForRoom()  // closed: never waits again
    }

    /// A 4-byte input answered with 1 MiB (`Fixtures/wide.onnx`).
    private static func wideRequest(_ value: Float) -> PredictRequest {
        PredictRequest(name: "wide", inputs: [NamedTensor(name: "x", tensor: Tensor(shape: [1, 1], floats: [value]))])
    }

    @Test("while a client reads none of its answers the server starts no new calls; once it reads, every call answers")
    func slowReader() async throws {
        let model = try Data(contentsOf: MLPFixture.directory.appendingPathComponent("wide.onnx"))
        // Once the client reads, the held calls arrive at once: the queue has room for all of them.
        try await TestServer.with({ $0.inferenceWorkers = 1; $0.inferenceQueueDepth = 64 }) { server, port in
            let version = try await FrameClient.connect(port: port) { client in
                try await client.sendRegistration(1, header: ModelHeader(name: "wide", format: .onnx), bytes: [UInt8](model))
                let frame = try #require(try await client.next())
                return try #require(try frame.response(RegisterModelResponse.self).version)
            }
            func rows() async -> Int {
                await server.batchQueues.existingQueue(name: "wide", version: version.version)?.statistics.rows ?? 0
            }
            // One call first, answered and read: the model loads and the version's batching is decided before the
            // timing below, where a first call slowed by that (on a loaded machine, past a second) would pass for
            // one the server held.
            try await FrameClient.connect(port: port) { client in
                try await client.send(Envelope(
                    callID: 1, method: Method.predict.rawValue, payload: Self.wideRequest(0).serializedBytes(),
                    endStream: true))
                let frame = try #require(try await client.next())
                #expect(frame.statusCode == .ok)
            }
            #expect(await rows() == 1)
            /// Calls of the slow reader served so far.
            func served() async -> Int { await rows() - 1 }
            // A 64 KiB receive buffer: the kernel holds a few MiB of answers (mostly the server's send buffer)
            // before NIO's buffer passes its high watermark and the socket turns unwritable.
            let calls = 40
            try await FrameClient.connect(port: port, receiveBuffer: 64 << 10) { client in
                func send(_ id: Int) async throws {
                    try await client.send(Envelope(
                        callID: UInt64(id), method: Method.predict.rawValue,
                        payload: Self.wideRequest(Float(id)).serializedBytes(), endStream: true))
                }
                // Calls one at a time, none of the answers read: each is served at once until the answers fill
                // the socket; then the server must start no more (without backpressure all 40 MiB would wait
                // in its memory). A call not served within a second is taken as held.
                var held: Int? = nil
                for id in 1...calls {
                    try await send(id)
                    let sent = ContinuousClock.now
                    while await served() < id, ContinuousClock.now - sent < .seconds(1) {
                        try await Task.sleep(for: .milliseconds(2))
                    }
                    if await served() < id {
                        held = id
                        break
                    }
                }
                let first = try #require(held, "every call started though the client read none of its answers")
                for id in (first + 1)...calls { try await send(id) }
                try await Task.sleep(for: .milliseconds(200))
                #expect(await served() == first - 1, "calls started while the client read none of its answers")
                // Reading drains the socket: the rest start, and every call answers its own 1 MiB.
                var answered: Set<UInt64> = []
                for _ in 1...calls {
                    let frame = try #require(try await client.next())
                    #expect(frame.statusCode == .ok, "\(frame.callID): \(frame.status?.message ?? "")")
                    let response = try PredictResponse(serializedBytes: frame.payload)
                    let values = try #require(response.outputs.first?.tensor).floatValues()
                    #expect(values.count == 262_144)
                    #expect(values.allSatisfy { $0 == Float(frame.callID) })
                    answered.insert(frame.callID)
                }
                #expect(answered == Set(1...UInt64(calls)))
            }
            #expect(await served() == calls)
        }
    }
}
