#if canImport(Glibc)
import Glibc
#endif

/// Whether an address given with --host is this machine, so its server's CPU can be read from /proc.
enum LocalHost {
    static func isLocal(_ host: String) -> Bool {
        // Connecting to the unspecified address reaches this machine too.
        if ["localhost", "::1", "0.0.0.0", "::"].contains(host) || host.hasPrefix("127.") { return true }
        if let name = hostName(), name == host { return true }
        guard let canonical = numeric(host) else { return false }
        return interfaceAddresses().contains(canonical)
    }

    /// An IPv4 or IPv6 literal in its canonical text form (`::0001` → `::1`); nil for a name.
    static func numeric(_ host: String) -> String? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return text(family: AF_INET, &v4) }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return text(family: AF_INET6, &v6) }
        return nil
    }

    private static func text(family: Int32, _ address: UnsafeRawPointer) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func interfaceAddresses() -> Set<String> {
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0 else { return [] }
        defer { freeifaddrs(first) }
        var found = Set<String>()
        var cursor = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    var raw = sin.pointee.sin_addr
                    if let text = text(family: AF_INET, &raw) { found.insert(text) }
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    var raw = sin6.pointee.sin6_addr
                    if let text = text(family: AF_INET6, &raw) { found.insert(text) }
                }
            default: break
            }
        }
        return found
    }

    private static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
