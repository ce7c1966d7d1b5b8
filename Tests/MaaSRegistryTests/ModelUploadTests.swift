import Crypto
import Foundation
import MaaSProtocol
import Testing

@testable import MaaSRegistry

@Suite("ModelUpload")
struct ModelUploadTests {
    /// The registry has no version of `name` and no staging area left over.
    private func expectNothingStored(_ registry: ModelRegistry, _ dir: String, name: String = "m") {
        #expect(throws: RPCError.self) { try registry.versions(of: name) }
        #expect(entries(of: dir + "/staging").isEmpty)
        #expect(entries(of: dir + "/models/\(name)").isEmpty)
    }

    @Test("an upload shorter than its declared size is INVALID_ARGUMENT at commit")
    func tooShort() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let upload = try registry.beginUpload(ModelHeader(name: "m", sizeBytes: 100))
            try upload.append(modelBytes(1, count: 60))
            let error = #expect(throws: RPCError.self) { try upload.commit(prepare: fakePrepare) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains("ended after 60 bytes") == true)
            #expect(error?.message.contains("size_bytes 100") == true)
            expectNothingStored(registry, dir)
        }
    }

    @Test("a chunk that runs past the declared size is INVALID_ARGUMENT at once")
    func tooLong() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let upload = try registry.beginUpload(ModelHeader(name: "m", sizeBytes: 100))
            try upload.append(modelBytes(1, count: 60))
            let error = #expect(throws: RPCError.self) { try upload.append(modelBytes(2, count: 41)) }
            #expect(error?.code == .invalidArgument)
            #expect(upload.receivedBytes == 60)
            expectNothingStored(registry, dir)
            // The upload is over: nothing more is accepted.
            let later = #expect(throws: RPCError.self) { try upload.commit(prepare: fakePrepare) }
            #expect(later?.code == .failedPrecondition)
        }
    }

    @Test("a chunk past the server's size limit is RESOURCE_EXHAUSTED at once")
    func pastLimit() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir, maxModelSizeBytes: 1000)
            let upload = try registry.beginUpload(ModelHeader(name: "m"))
            try upload.append(modelBytes(1, count: 1000))
            let error = #expect(throws: RPCError.self) { try upload.append([0]) }
            #expect(error?.code == .resourceExhausted)
            expectNothingStored(registry, dir)
        }
    }

    @Test("a sha256 mismatch is INVALID_ARGUMENT naming both digests")
    func shaMismatch() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let claimed = sha256Hex(modelBytes(1))
            let upload = try registry.beginUpload(ModelHeader(name: "m", sha256: claimed))
            try upload.append(modelBytes(2))
            let error = #expect(throws: RPCError.self) { try upload.commit(prepare: fakePrepare) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains(claimed) == true)
            #expect(error?.message.contains(sha256Hex(modelBytes(2))) == true)
            expectNothingStored(registry, dir)
        }
    }

    @Test("an empty upload is INVALID_ARGUMENT")
    func empty() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let upload = try registry.beginUpload(ModelHeader(name: "m"))
            let error = #expect(throws: RPCError.self) { try upload.commit(prepare: fakePrepare) }
            #expect(error?.code == .invalidArgument)
            expectNothingStored(registry, dir)
        }
    }

    @Test(
        "an error from prepare reaches the caller unchanged and creates no version",
        arguments: [
            RPCError(.invalidArgument, "node 'Conv_3': unsupported operator"),
            RPCError(.unimplemented, "opset 22 is not supported"),
        ])
    func prepareFails(_ failure: RPCError) throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let upload = try registry.beginUpload(ModelHeader(name: "m"))
            try upload.append(modelBytes(1))
            let error = #expect(throws: RPCError.self) {
                try upload.commit { (source, artifact) throws(RPCError) -> PreparedModel in
                    // A half-written artifact must go too.
                    try? writeFile(artifact, [1, 2, 3])
                    throw failure
                }
            }
            #expect(error == failure)
            expectNothingStored(registry, dir)
        }
    }

    @Test("prepare that writes no model file is INTERNAL and creates no version")
    func prepareWritesNothing() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let upload = try registry.beginUpload(ModelHeader(name: "m"))
            try upload.append(modelBytes(1))
            let error = #expect(throws: RPCError.self) {
                try upload.commit { _, _ in PreparedModel(format: .onnx, inputs: [], outputs: []) }
            }
            #expect(error?.code == .internal)
            expectNothingStored(registry, dir)
        }
    }

    @Test("a failed upload does not use up a version number")
    func failureKeepsNumbering() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let upload = try registry.beginUpload(ModelHeader(name: "m"))
            try upload.append(modelBytes(1))
            _ = try? upload.commit { _, _ throws(RPCError) in throw RPCError(.invalidArgument, "bad model") }
            #expect(try registry.register("m", modelBytes(2)).version == 1)
        }
    }

    @Test("abort and dropping an unfinished upload both remove its staging area")
    func abandon() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let aborted = try registry.beginUpload(ModelHeader(name: "m"))
            try aborted.append(modelBytes(1))
            #expect(entries(of: dir + "/staging").count == 1)
            aborted.abort()
            #expect(entries(of: dir + "/staging").isEmpty)

            do {
                let dropped = try registry.beginUpload(ModelHeader(name: "m"))
                try dropped.append(modelBytes(2))
                #expect(entries(of: dir + "/staging").count == 1)
            }
            #expect(entries(of: dir + "/staging").isEmpty)
            expectNothingStored(registry, dir)
        }
    }

    @Test("a 64 MiB upload streamed in 1 MiB chunks is stored byte for byte")
    func largeStreamedUpload() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let chunkSize = 1 << 20
            let chunks = 64
            var expected = SHA256()
            var chunk = [UInt8](repeating: 0, count: chunkSize)
            let upload = try registry.beginUpload(ModelHeader(name: "big", sizeBytes: UInt64(chunkSize * chunks)))
            for index in 0..<chunks {
                // Different bytes in every chunk, so a dropped or repeated chunk changes the digest.
                for position in stride(from: 0, to: chunkSize, by: 4096) {
                    chunk[position] = UInt8(truncatingIfNeeded: index &+ position >> 12)
                }
                expected.update(data: chunk)
                try upload.append(chunk)
            }
            #expect(upload.receivedBytes == UInt64(chunkSize * chunks))
            let version = try upload.commit(prepare: fakePrepare)
            let digest = expected.finalize().map { String(format: "%02x", $0) }.joined()
            #expect(version.sha256 == digest)
            #expect(version.sizeBytes == UInt64(chunkSize * chunks))
            let stored = try registry.resolve(name: "big", version: 0)
            let attributes = try FileManager.default.attributesOfItem(atPath: stored.sourcePath)
            #expect((attributes[.size] as? NSNumber)?.intValue == chunkSize * chunks)
        }
    }
}
