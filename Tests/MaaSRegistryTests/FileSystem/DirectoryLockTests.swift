import MaaSProtocol
import Testing

@testable import MaaSRegistry

@Suite("Data directory lock")
struct DirectoryLockTests {
    @Test("a second registry on a directory in use is refused with FAILED_PRECONDITION until the first is gone")
    func secondRegistry() throws {
        try withTemporaryDirectory { dir in
            do {
                let first = try ModelRegistry(directory: dir)
                let error = #expect(throws: RPCError.self) { try ModelRegistry(directory: dir) }
                #expect(error?.code == .failedPrecondition)
                #expect(error?.message.contains("in use by another maas server") == true)
                #expect(error?.message.contains("--data-dir") == true)
                withExtendedLifetime(first) {}
            }
            #expect(throws: Never.self) { try ModelRegistry(directory: dir) }
        }
    }

    @Test("a data directory that cannot be created is FAILED_PRECONDITION naming the path")
    func unusableDirectory() throws {
        try withTemporaryDirectory { dir in
            // A regular file where a directory is needed.
            try FileSystem.writeDurably(Array("x".utf8), to: dir + "/file")
            let error = #expect(throws: RPCError.self) { try ModelRegistry(directory: dir + "/file/data") }
            #expect(error?.code == .failedPrecondition)
            #expect(error?.message.contains(dir + "/file/data") == true)
        }
    }
}
