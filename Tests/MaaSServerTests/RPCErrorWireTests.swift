import MaaSProtocol
import Testing

@testable import MaaSServer

@Suite("RPCError.forWire")
struct RPCErrorWireTests {
    static let escapes: [(String, String)] = [
        ("model name 'fuzz\u{0}d' is bad", "model name 'fuzz\\0d' is bad"),
        ("a\tb\nc\rd", "a\\tb\\nc\\rd"),
        ("del \u{7F} and next-line \u{85}", "del \\u{7F} and next-line \\u{0085}"),
        ("sha256 'c3\u{1B}[31m' red", "sha256 'c3\\u{1B}[31m' red"),
        ("plain: no 'é', 'ß' or '🎙' touched", "plain: no 'é', 'ß' or '🎙' touched"),
    ]

    @Test("control characters a client sent go out escaped, and nothing else changes", arguments: escapes)
    func escapesControls(message: String, wire: String) {
        let error = RPCError(.invalidArgument, message).forWire()
        #expect(error.message == wire)
        #expect(error.code == .invalidArgument)
        #expect(!error.message.unicodeScalars.contains { $0.properties.generalCategory == .control })
    }

    @Test("a long message is cut to 4096 bytes and marked, after escaping")
    func cutsLongMessages() {
        let error = RPCError(.invalidArgument, String(repeating: "\u{0}", count: 3000)).forWire()
        #expect(error.message.hasSuffix("…"))
        #expect(error.message.utf8.count == RPCError.maxWireMessageBytes + "…".utf8.count)
        #expect(error.message.hasPrefix("\\0\\0"))
        let short = RPCError(.notFound, "model 'x' is not registered")
        #expect(short.forWire() == short)
    }
}
