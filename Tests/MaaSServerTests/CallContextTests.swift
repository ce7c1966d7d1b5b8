import MaaSProtocol
import Testing

@testable import MaaSServer

@Suite("CallContext deadline")
struct CallContextTests {
    private let now = ContinuousClock.now

    @Test("uses timeout-ms, capped by the server's default", arguments: [
        ("250", nil, Duration.milliseconds(250)),
        ("250", Duration.milliseconds(100), .milliseconds(100)),
        ("50", Duration.seconds(1), .milliseconds(50)),
        ("0", nil, .zero),
    ])
    func deadline(text: String, defaultTimeout: Duration?, expected: Duration) throws {
        let deadline = try CallContext.deadline(
            metadata: [MetadataKey.timeoutMs: text], defaultTimeout: defaultTimeout, now: now)
        #expect(deadline == now.advanced(by: expected))
    }

    @Test("has no deadline without timeout-ms or a default, and the default alone otherwise")
    func absent() throws {
        #expect(try CallContext.deadline(metadata: [:], defaultTimeout: nil, now: now) == nil)
        #expect(try CallContext.deadline(metadata: [:], defaultTimeout: .seconds(2), now: now) == now.advanced(by: .seconds(2)))
    }

    @Test("rejects timeout-ms that is not a whole number of milliseconds", arguments: ["", "-1", "+5", "1e3", "5 ", "0x10", "1234567890123456789"])
    func malformed(text: String) {
        #expect(throws: RPCError.self) {
            _ = try CallContext.deadline(metadata: [MetadataKey.timeoutMs: text], defaultTimeout: nil, now: now)
        }
    }
}
