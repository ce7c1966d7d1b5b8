#if canImport(Glibc)
import Glibc
#endif

/// Where output goes. Results go to stdout (so `--json` output can be piped), everything for the person
/// at the terminal — progress, notes, errors — to stderr.
struct Terminal: Sendable {
    let descriptor: Int32

    static let standardOutput = Terminal(descriptor: STDOUT_FILENO)
    static let standardError = Terminal(descriptor: STDERR_FILENO)

    var isTTY: Bool { isatty(descriptor) == 1 }

    /// Writes unbuffered, so stdout and stderr lines keep their order and progress redraws appear at once.
    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    func line(_ text: String = "") { write(text + "\n") }
}
