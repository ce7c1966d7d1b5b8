import ArgumentParser
import MaaSClient
import MaaSProtocol

/// What every command that talks to a server shares: the address and a per-call deadline.
struct ConnectionOptions: ParsableArguments {
    @OptionGroup var address: AddressOptions

    @Option(help: ArgumentHelp(
        "Give up on a call after this many seconds (also sent to the server as timeout-ms).",
        valueName: "seconds"))
    var timeout: Double?

    func validate() throws {
        guard address.port != 0 else { throw ValidationError("--port 0 only makes sense for `maas serve`") }
        if let timeout {
            guard timeout > 0, timeout.isFinite, timeout <= 86_400 else {
                throw ValidationError("--timeout must be between 0 and 86400 seconds, not \(timeout)")
            }
        }
    }

    var callTimeout: Duration? { timeout.map { .milliseconds(Int64(($0 * 1000).rounded(.up))) } }

    func connect() async throws(CLIError) -> MaaSClient {
        do {
            return try await MaaSClient.connect(host: address.host, port: address.port)
        } catch {
            throw CLIError(error, target: address.display)
        }
    }

    /// Connects, runs `body`, and closes the connection whether `body` succeeds or not.
    func withClient<T>(_ body: (MaaSClient) async throws -> T) async throws -> T {
        let client = try await connect()
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }
}
