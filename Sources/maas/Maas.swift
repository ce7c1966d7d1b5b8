import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

@main
struct Maas: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maas",
        abstract: "Model-as-a-Service: serve models, register versions, run predictions.",
        discussion: ExitStatus.helpTable,
        subcommands: [Serve.self, Register.self, Versions.self, Predict.self, Train.self, Evaluate.self, Inspect.self, Bench.self]
    )

    /// Swift concurrency runs on NIO's event loops (the server's and the client's I/O threads), so a call
    /// does not hop between Swift's own thread pool and the socket's thread on every await: measured, these
    /// hops were the largest cost per request after the model itself. `MAAS_NIO_EXECUTOR=0` keeps Swift's
    /// own pool (for comparison, or if a platform misbehaves).
    static func main() async {
        if ProcessInfo.processInfo.environment["MAAS_NIO_EXECUTOR"] != "0" {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await main(nil)
    }
}
