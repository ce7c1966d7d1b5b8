import Crypto
import MaaSClient

/// SHA-256 of a file, read in chunks so memory stays flat for multi-GiB models.
enum FileDigest {
    static func sha256Hex(path: String, progress: (UInt64) -> Void = { _ in }) throws(LocalFile.Failure) -> String {
        let file = try LocalFile.openForReading(path)
        var hasher = SHA256()
        var done: UInt64 = 0
        while true {
            let chunk = try file.read(upTo: 1 << 20)
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
            done += UInt64(chunk.count)
            progress(done)
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
