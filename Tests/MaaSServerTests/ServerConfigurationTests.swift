import MaaSProtocol
import Testing

@testable import MaaSServer

@Suite("Server configuration")
struct ServerConfigurationTests {
    @Test("the defaults are valid")
    func defaults() throws {
        try ServerConfiguration().validate()
    }

    @Test("a loop compute limit from 0 (off) to 100 ms is accepted", arguments: [
        Duration.zero, .microseconds(1), .microseconds(500), .milliseconds(100),
    ])
    func loopComputeAccepted(limit: Duration) throws {
        var configuration = ServerConfiguration()
        configuration.loopComputeLimit = limit
        try configuration.validate()
    }

    @Test("a negative or longer loop compute limit is refused, naming it", arguments: [
        Duration.microseconds(-1), .milliseconds(100) + .nanoseconds(1), .seconds(10),
    ])
    func loopComputeRefused(limit: Duration) {
        var configuration = ServerConfiguration()
        configuration.loopComputeLimit = limit
        #expect {
            try configuration.validate()
        } throws: { error in
            (error as? RPCError)?.message.contains("loop compute limit must be between 0 and 100 ms") == true
        }
    }
}
