import Glibc

/// A unique path in the temporary directory, removed when the test is done with it.
struct TemporaryPath: ~Copyable {
    let path: String

    init(_ name: String) {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        path = "\(base)/maas-engine-\(getpid())-\(UInt64.random(in: 0...UInt64.max))-\(name)"
    }

    deinit {
        unlink(path)
    }
}
