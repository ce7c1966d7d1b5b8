import Foundation
import MaaSProtocol
import Testing

@testable import MaaSRegistry

@Suite("ModelRegistry")
struct ModelRegistryTests {
    @Test("numbers versions 1, 2, 3 per name, independently across names")
    func numbering() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            #expect(try registry.register("alpha", modelBytes(1)).version == 1)
            #expect(try registry.register("alpha", modelBytes(2)).version == 2)
            #expect(try registry.register("beta", modelBytes(3)).version == 1)
            #expect(try registry.register("alpha", modelBytes(4)).version == 3)
            #expect(try registry.register("beta", modelBytes(5)).version == 2)
            #expect(try registry.versions(of: "alpha").map(\.version) == [3, 2, 1])
            #expect(try registry.versions(of: "beta").map(\.version) == [2, 1])
            #expect(registry.modelNames() == ["alpha", "beta"])
        }
    }

    @Test("records what the client sent and what prepare found, and stores both files")
    func metadata() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let bytes = modelBytes(7, count: 4096)
            let before = Int64(Date().timeIntervalSince1970 * 1000)
            let version = try registry.register("m", bytes, description: "first cut", labels: ["team": "asr"])
            #expect(version.name == "m")
            #expect(version.format == .onnx)
            #expect(version.sizeBytes == 4096)
            #expect(version.sha256 == sha256Hex(bytes))
            #expect(version.description == "first cut")
            #expect(version.labels == ["team": "asr"])
            #expect(version.inputs == [TensorSpec(name: "x", dtype: .float32, shape: [-1, 4])])
            #expect(version.outputs == [TensorSpec(name: "y", dtype: .float32, shape: [-1, 2])])
            #expect(version.createdAtUnixMs >= before - 1000)

            let stored = try registry.resolve(name: "m", version: 1)
            #expect(stored.info == version)
            #expect(FileManager.default.contents(atPath: stored.sourcePath) == Data(bytes))
            #expect(FileManager.default.contents(atPath: stored.artifactPath) == Data("native:4096".utf8))
            #expect(stored.artifactPath.hasSuffix("/models/m/1/model.maas"))
        }
    }

    @Test("resolve with version 0 returns the latest")
    func resolveLatest() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            for seed in 1...3 { try registry.register("m", modelBytes(seed)) }
            #expect(try registry.resolve(name: "m", version: 0).info.version == 3)
            #expect(try registry.resolve(name: "m", version: 2).info.sha256 == sha256Hex(modelBytes(2)))
        }
    }

    @Test("an unknown name is NOT_FOUND for versions and resolve")
    func unknownName() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let listing = #expect(throws: RPCError.self) { try registry.versions(of: "ghost") }
            #expect(listing == RPCError(.notFound, "model 'ghost' is not registered"))
            let resolving = #expect(throws: RPCError.self) { try registry.resolve(name: "ghost", version: 0) }
            #expect(resolving?.code == .notFound)
        }
    }

    @Test("an unknown version is NOT_FOUND naming the versions that exist")
    func unknownVersion() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            try registry.register("m", modelBytes(1))
            try registry.register("m", modelBytes(2))
            let error = #expect(throws: RPCError.self) { try registry.resolve(name: "m", version: 9) }
            #expect(error == RPCError(.notFound, "model 'm' has no version 9; its versions are 1, 2"))
            let negative = #expect(throws: RPCError.self) { try registry.resolve(name: "m", version: -1) }
            #expect(negative?.code == .invalidArgument)
        }
    }

    @Test(
        "rejects a bad model name with INVALID_ARGUMENT and leaves nothing behind",
        arguments: ["", String(repeating: "a", count: 129), ".hidden", "a/b", "..", "with space", "modèle", "colon:name", "back\\slash"])
    func badName(_ name: String) throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let error = #expect(throws: RPCError.self) { try registry.register(name, modelBytes(1)) }
            #expect(error?.code == .invalidArgument)
            #expect(registry.modelNames().isEmpty)
            #expect(entries(of: dir + "/staging").isEmpty)
            #expect(entries(of: dir + "/models").isEmpty)
            #expect(throws: RPCError.self) { try registry.versions(of: name) }
        }
    }

    @Test("accepts a name of exactly 128 allowed characters")
    func longestName() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let name = "A-" + String(repeating: "z.9_", count: 31) + "ok"
            #expect(name.count == 128)
            #expect(try registry.register(name, modelBytes(1)).version == 1)
        }
    }

    @Test(
        "rejects a sha256 that is not 64 lower-case hex digits",
        arguments: [String(repeating: "A", count: 64), String(repeating: "a", count: 63), String(repeating: "g", count: 64)])
    func badSHA256Syntax(_ sha256: String) throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir)
            let error = #expect(throws: RPCError.self) { try registry.beginUpload(ModelHeader(name: "m", sha256: sha256)) }
            #expect(error?.code == .invalidArgument)
            #expect(entries(of: dir + "/staging").isEmpty)
        }
    }

    @Test("refuses a declared size past the limit before any byte arrives")
    func declaredSizeTooLarge() throws {
        try withTemporaryDirectory { dir in
            let registry = try ModelRegistry(directory: dir, maxModelSizeBytes: 1000)
            let error = #expect(throws: RPCError.self) { try registry.beginUpload(ModelHeader(name: "m", sizeBytes: 1001)) }
            #expect(error?.code == .resourceExhausted)
            #expect(entries(of: dir + "/staging").isEmpty)
        }
    }
}
