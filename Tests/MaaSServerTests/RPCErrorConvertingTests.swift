import Logging
import MaaSEngine
import MaaSProtocol
import MaaSTransport
import ProtoWire
import Synchronization
import Testing

@testable import MaaSServer

@Suite("RPCError(converting:)")
struct RPCErrorConvertingTests {
    struct Unexpected: Error, CustomStringConvertible {
        var description: String { "disk on fire at /srv/secret/path" }
    }

    static let cases: [(String, any Error, StatusCode, String)] = [
        ("RPCError", RPCError(.notFound, "no model 'x'"), .notFound, "no model 'x'"),
        ("ProtoDecodingError", ProtoDecodingError(.truncated, offset: 7, fieldNumber: 1, path: ["PredictRequest", "name"]), .invalidArgument, "PredictRequest.name: truncated input at byte 7"),
        ("invalid model", EngineError(.invalidModel, "node 'mm': bad shape"), .invalidArgument, "node 'mm': bad shape"),
        ("unsupported operator", EngineError(.unsupportedOperator, "Loop"), .invalidArgument, "Loop"),
        ("invalid input", EngineError(.invalidInput, "x: shape"), .invalidArgument, "x: shape"),
        ("engine fault", EngineError(.internalError, "arena overflow"), .internal, "internal engine error"),
        ("frame too large", FrameError.frameTooLarge(length: 10, limit: 5), .resourceExhausted, "exceeds the maximum frame size"),
        ("truncated frame", FrameError.truncatedFrame(received: 2, expected: nil), .invalidArgument, "ended inside"),
        ("cancellation", CancellationError(), .cancelled, "cancelled"),
        ("anything else", Unexpected(), .internal, "internal server error"),
    ]

    @Test("maps each kind of error to the status a client can act on", arguments: cases.indices)
    func mapping(index: Int) {
        let (_, error, code, mention) = Self.cases[index]
        let converted = RPCError(converting: error, logger: TestServer.logger)
        #expect(converted.code == code)
        #expect(converted.message.contains(mention), "\(converted.message)")
    }

    @Test("sends no internals of an unexpected error to the client, and logs them with the call's metadata")
    func unexpectedGoesToLog() {
        let records = LogRecords()
        var logger = Logger(label: "test") { _ in RecordingLogHandler(records: records) }
        logger[metadataKey: "call.id"] = "42"
        let converted = RPCError(converting: Unexpected(), logger: logger)
        #expect(!converted.message.contains("secret"))
        let logged = records.all
        #expect(logged.count == 1)
        #expect(logged.first?.level == .error)
        #expect(logged.first?.metadata["call.id"] == "42")
        let error = "\(logged.first?.metadata["error"] ?? "")"
        #expect(error.contains("/srv/secret/path"))
    }
}

final class LogRecords: Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    private let records = Mutex<[Record]>([])

    func append(_ record: Record) { records.withLock { $0.append(record) } }
    var all: [Record] { records.withLock { $0 } }
}

struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        records.append(.init(
            level: event.level, message: "\(event.message)",
            metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }
}
