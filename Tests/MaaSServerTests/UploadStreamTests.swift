import MaaSProtocol
import Testing

@testable import MaaSServer

@Suite("UploadStream and UploadBudget")
struct UploadStreamTests {
    private func chunk(_ size: Int, last: Bool = false) -> Envelope {
        Envelope(callID: 1, payload: [UInt8](repeating: 1, count: size), endStream: last)
    }

    @Test("delivers frames in order and ends after the one with end_stream")
    func order() async throws {
        let budget = UploadBudget(limit: 1000)
        let stream = UploadStream(budget: budget)
        stream.push(chunk(1))
        stream.push(chunk(2))
        stream.push(chunk(3, last: true))
        stream.push(chunk(4))  // after end_stream: dropped
        #expect(budget.bufferedBytes == 6)
        var sizes: [Int] = []
        while let frame = try await stream.next() { sizes.append(frame.payload.count) }
        #expect(sizes == [1, 2, 3])
        #expect(budget.bufferedBytes == 0)
    }

    @Test("holds the reader back while the connection's buffered upload bytes are at the limit")
    func backpressure() async throws {
        let budget = UploadBudget(limit: 100)
        let stream = UploadStream(budget: budget)
        stream.push(chunk(60))
        stream.push(chunk(60))
        #expect(budget.bufferedBytes == 120)
        let reader = Task { await budget.waitForRoom() }
        // Taking one frame brings the buffer under the limit, which lets the reader go on.
        _ = try await stream.next()
        await reader.value
        #expect(budget.bufferedBytes == 60)
    }

    @Test("fails a handler waiting for frames when the connection's input ends mid-upload")
    func failure() async throws {
        let stream = UploadStream(budget: UploadBudget(limit: 100))
        let handler = Task { try await stream.next() }
        stream.fail(RPCError(.cancelled, "input ended"))
        await #expect(throws: RPCError(.cancelled, "input ended")) { try await handler.value }
    }

    @Test("never ends cleanly once closed, so a cut-off upload cannot be committed")
    func closed() async throws {
        let budget = UploadBudget(limit: 100)
        let stream = UploadStream(budget: budget)
        stream.push(chunk(10))
        stream.close()
        #expect(budget.bufferedBytes == 0)
        await #expect(throws: CancellationError.self) { try await stream.next() }
        stream.push(chunk(10))
        #expect(budget.bufferedBytes == 0)
    }

    @Test("wakes a handler that waits for the next frame")
    func wakes() async throws {
        let stream = UploadStream(budget: UploadBudget(limit: 100))
        let handler = Task { try await stream.next() }
        stream.push(chunk(5, last: true))
        #expect(try await handler.value?.payload.count == 5)
        #expect(try await stream.next() == nil)
    }
}
