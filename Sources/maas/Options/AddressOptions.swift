import ArgumentParser

/// `--host` and `--port`: where client commands connect, and where `maas serve` listens.
struct AddressOptions: ParsableArguments {
    @Option(help: "The server's host name or IP address (for serve: the address to listen on).")
    var host = "127.0.0.1"

    @Option(help: "The server's TCP port (for serve: 0 picks a free port and prints it).")
    var port = 7070

    /// `host:port`, bracketing IPv6 literals.
    var display: String { Self.display(host: host, port: port) }

    static func display(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not in 0–65535") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
    }
}
