import MaaSProtocol
import Testing

@testable import MaaSServer

@Suite("CallTable")
struct CallTableTests {
    private func first(_ id: UInt64, _ method: String) -> Envelope {
        Envelope(callID: id, method: method, endStream: true)
    }

    private let budget = UploadBudget(limit: 1 << 20)

    @Test("starts unary and streaming calls, and routes later frames of a stream to it")
    func routes() {
        var table = CallTable(maxCalls: 4)
        guard case .start(.predict) = table.route(first(1, Method.predict.rawValue), makeStream: { UploadStream(budget: budget) }) else {
            Issue.record("Predict did not start")
            return
        }
        guard case .startStreaming(.registerModel, let stream) = table.route(
            first(2, Method.registerModel.rawValue), makeStream: { UploadStream(budget: budget) })
        else {
            Issue.record("RegisterModel did not start a stream")
            return
        }
        guard case .deliver(let routed) = table.route(Envelope(callID: 2), makeStream: { UploadStream(budget: budget) }) else {
            Issue.record("a later upload frame was not delivered")
            return
        }
        #expect(routed === stream)
        #expect(table.count == 2)
        #expect(table.remove(2) === stream)
        #expect(table.remove(1) == nil)
        #expect(table.isEmpty)
    }

    @Test("drops frames without a method that belong to no stream in flight", arguments: [false, true])
    func drops(unaryInFlight: Bool) {
        var table = CallTable(maxCalls: 4)
        if unaryInFlight { _ = table.route(first(1, Method.listVersions.rawValue)) { UploadStream(budget: budget) } }
        guard case .drop = table.route(Envelope(callID: 1), makeStream: { UploadStream(budget: budget) }) else {
            Issue.record("a stray frame was not dropped")
            return
        }
    }

    @Test("rejects, with the code a client can act on", arguments: [
        ("unknown method", StatusCode.unimplemented),
        ("duplicate id", .invalidArgument),
        ("draining", .unavailable),
        ("too many calls", .resourceExhausted),
    ])
    func rejects(situation: String, code: StatusCode) {
        var table = CallTable(maxCalls: 1)
        var frame = first(1, Method.listVersions.rawValue)
        switch situation {
        case "unknown method": frame.method = "/maas.v1.ModelService/Nope"
        case "duplicate id": _ = table.route(frame) { UploadStream(budget: budget) }
        case "draining": table.beginDraining()
        default:
            _ = table.route(first(9, Method.listVersions.rawValue)) { UploadStream(budget: budget) }
        }
        guard case .reject(let error) = table.route(frame, makeStream: { UploadStream(budget: budget) }) else {
            Issue.record("\(situation) was not rejected")
            return
        }
        #expect(error.code == code)
    }

    @Test("frees an id once its call is removed, so the client may reuse it")
    func reuse() {
        var table = CallTable(maxCalls: 1)
        _ = table.route(first(1, Method.predict.rawValue)) { UploadStream(budget: budget) }
        _ = table.remove(1)
        guard case .start = table.route(first(1, Method.predict.rawValue), makeStream: { UploadStream(budget: budget) }) else {
            Issue.record("a freed id could not be reused")
            return
        }
    }
}
