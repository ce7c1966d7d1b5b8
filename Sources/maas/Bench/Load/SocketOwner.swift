#if canImport(Glibc)
import Glibc
#endif

/// Finds the process listening on a TCP port of this machine, the way `ss -ltnp` does: the socket's inode
/// from /proc/net/tcp and tcp6, then the process holding a descriptor `socket:[inode]` under /proc/PID/fd.
/// Only processes whose descriptors this user may read can be found (one's own, or any as root).
enum SocketOwner {
    enum Lookup: Equatable {
        case found(Int32)
        /// Why not, in words for the report.
        case notFound(String)
    }

    static func find(port: Int) -> Lookup {
        let inodes = Set(["/proc/net/tcp", "/proc/net/tcp6"].flatMap { path in
            ProcFile.read(path).map { listeningInodes(table: $0, port: port) } ?? []
        })
        guard !inodes.isEmpty else { return .notFound("nothing listens on port \(port) in this network namespace") }
        let owners = pids(holding: inodes)
        switch owners.count {
        case 0: return .notFound("the socket listening on port \(port) belongs to a process this user cannot inspect")
        case 1: return .found(owners[0])
        default:
            return .notFound("several processes hold the socket listening on port \(port) (\(owners.map(String.init).joined(separator: ", "))); pass --server-pid")
        }
    }

    /// Inodes of the sockets in LISTEN state (st 0A) on local port `port`, from the text of /proc/net/tcp or
    /// /proc/net/tcp6. Lines look like
    /// `0: 0100007F:1CE7 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000  0 123456 1 …`;
    /// malformed lines are skipped.
    static func listeningInodes(table: String, port: Int) -> [UInt64] {
        var inodes: [UInt64] = []
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 9, fields[3] == "0A",
                let colon = fields[1].lastIndex(of: ":"),
                let localPort = Int(fields[1][fields[1].index(after: colon)...], radix: 16), localPort == port,
                let inode = UInt64(fields[9]), inode != 0
            else { continue }
            inodes.append(inode)
        }
        return inodes
    }

    /// The inode in a descriptor's link target `socket:[123456]`, or nil for anything else.
    static func socketInode(linkTarget: String) -> UInt64? {
        guard linkTarget.hasPrefix("socket:["), linkTarget.hasSuffix("]") else { return nil }
        return UInt64(linkTarget.dropFirst(8).dropLast())
    }

    /// Processes (sorted) with a descriptor on one of `inodes`.
    private static func pids(holding inodes: Set<UInt64>) -> [Int32] {
        var owners: [Int32] = []
        for pid in processIDs() {
            for target in descriptorTargets(pid: pid) {
                if let inode = socketInode(linkTarget: target), inodes.contains(inode) {
                    owners.append(pid)
                    break
                }
            }
        }
        return owners.sorted()
    }

    private static func processIDs() -> [Int32] {
        names(in: "/proc").compactMap { Int32($0) }
    }

    private static func descriptorTargets(pid: Int32) -> [String] {
        let directory = "/proc/\(pid)/fd"
        return names(in: directory).compactMap { readLink("\(directory)/\($0)") }
    }

    private static func names(in directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { readlink(path, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }
}
