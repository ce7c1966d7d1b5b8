import MaaSProtocol

extension RPCError {
    /// Longest status message sent, in UTF-8 bytes: an error frame stays well inside any peer's frame limit.
    static let maxWireMessageBytes = 4096

    /// The error as it goes on the wire. Messages quote what the client sent (a name, an input, a checksum),
    /// so control characters are written as escapes (`\0`, `\t`, `\u{7F}`): a NUL would end the message for a
    /// C client printing it with `%s`, and a newline would split the server's log line. Then the message is
    /// cut to `maxWireMessageBytes`.
    func forWire() -> RPCError {
        var wire = self
        if message.unicodeScalars.contains(where: Self.isControl) {
            var escaped = String.UnicodeScalarView()
            for scalar in message.unicodeScalars {
                if Self.isControl(scalar) {
                    escaped.append(contentsOf: scalar.escaped(asASCII: true).unicodeScalars)
                } else {
                    escaped.append(scalar)
                }
            }
            wire.message = String(escaped)
        }
        if wire.message.utf8.count > Self.maxWireMessageBytes {
            wire.message = String(decoding: wire.message.utf8.prefix(Self.maxWireMessageBytes), as: UTF8.self) + "…"
        }
        return wire
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }
}
