import Foundation
import MaaSProtocol
import Synchronization
import Testing

@testable import MaaSRegistry

@Suite("ModelRegistry under concurrent commits")
struct ModelRegistryConcurrencyTests {
    /// Real threads (not tasks) so that all commits block in the registry at the same time.
    private func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for index in 0..<count {
            group.enter()
            Thread.detachNewThread {
                start.wait()
                body(index)
                group.leave()
            }
        }
        for _ in 0..<count { start.signal() }
        group.wait()
    }

    @Test("16 concurrent commits of one name get distinct, contiguous numbers")
    func oneName() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let results = Mutex<[Int: Result<ModelVersion, RPCError>]>([:])
            onThreads(16) { index in
                let result = Result { () throws(RPCError) in try registry.register("shared", modelBytes(index)) }
                results.withLock { $0[index] = result }
            }
            let versions = try results.withLock { $0 }.mapValues { try $0.get() }
            #expect(Set(versions.values.map(\.version)) == Set(1...16))
            // Each number went to the upload whose bytes it describes.
            for (index, version) in versions {
                #expect(version.sha256 == sha256Hex(modelBytes(index)))
            }
            #expect(try registry.versions(of: "shared").map(\.version) == Array((1...16).reversed()))
            #expect(entries(of: dir + "/staging").isEmpty)
        }
    }

    @Test("concurrent commits of different names each count from 1")
    func manyNames() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let failures = Mutex<[RPCError]>([])
            onThreads(12) { index in
                do throws(RPCError) {
                    try registry.register("model-\(index % 3)", modelBytes(index))
                } catch {
                    failures.withLock { $0.append(error) }
                }
            }
            #expect(failures.withLock { $0 }.isEmpty)
            for name in ["model-0", "model-1", "model-2"] {
                #expect(try registry.versions(of: name).map(\.version) == [4, 3, 2, 1])
            }
        }
    }
}
