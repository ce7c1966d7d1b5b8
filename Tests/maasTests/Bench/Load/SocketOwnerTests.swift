import Testing
@testable import maas

#if canImport(Glibc)
import Glibc
#endif

@Suite("SocketOwner")
struct SocketOwnerTests {
    static let table = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0100007F:1CE7 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 100 0 0 10 0
           1: 0100007F:1CE7 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 20 4 30 10 -1
           2: 00000000:1CE6 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 999 1
           3: garbage
           4: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1
        """

    @Test("finds listening sockets by port and skips connections and malformed lines",
          arguments: [(7399, [UInt64(123456)]), (7398, [999]), (80, [])])
    func listening(port: Int, inodes: [UInt64]) {
        #expect(SocketOwner.listeningInodes(table: Self.table, port: port) == inodes)
    }

    @Test("reads /proc/net/tcp6 lines")
    func tcp6() {
        let table = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000001000000:1CE6 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1
            """
        #expect(SocketOwner.listeningInodes(table: table, port: 7398) == [4242])
    }

    @Test("takes the inode from a socket link only", arguments: [
        ("socket:[123]", UInt64(123) as UInt64?), ("pipe:[123]", nil), ("socket:[]", nil), ("socket:[12x]", nil), ("/dev/null", nil),
    ])
    func socketLink(target: String, inode: UInt64?) {
        #expect(SocketOwner.socketInode(linkTarget: target) == inode)
    }

    @Test("finds this process listening on a port, and nothing once the socket is closed")
    func ownListener() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        try #require(bound == 0 && listen(fd, 1) == 0)
        var length = size
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        #expect(SocketOwner.find(port: port) == .found(getpid()))
        close(fd)
        guard case .notFound = SocketOwner.find(port: port) else {
            Issue.record("a closed listener was still found")
            return
        }
    }
}
