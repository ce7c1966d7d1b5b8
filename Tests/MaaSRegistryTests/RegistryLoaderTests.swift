import Foundation
import Logging
import MaaSProtocol
import Testing

@testable import MaaSRegistry

/// Restarts and the states a crash can leave on disk, built by hand as a kill would leave them.
@Suite("Registry start-up")
struct RegistryLoaderTests {
    @Test("a restart sees every acknowledged version with the same sha256, and numbering continues")
    func restart() throws {
        try withTemporaryDirectory { dir in
            var acknowledged: [ModelVersion] = []
            do {
                let registry = try ModelRegistry(directory: dir)
                acknowledged.append(try registry.register("a", modelBytes(1), labels: ["k": "v"]))
                acknowledged.append(try registry.register("a", modelBytes(2)))
                acknowledged.append(try registry.register("b", modelBytes(3)))
            }
            let reopened = try ModelRegistry(directory: dir)
            #expect(reopened.modelNames() == ["a", "b"])
            #expect(try reopened.versions(of: "a") == [acknowledged[1], acknowledged[0]])
            #expect(try reopened.versions(of: "b") == [acknowledged[2]])
            #expect(try reopened.register("a", modelBytes(4)).version == 3)
            #expect(try reopened.register("b", modelBytes(5)).version == 2)
        }
    }

    /// Writes a staging area holding everything a commit writes before its rename, as a kill right
    /// before the rename leaves it.
    private func leaveStagingArea(_ dir: String, id: String, name: String, version: Int64, complete: Bool) throws {
        let area = dir + "/staging/" + id
        try FileManager.default.createDirectory(atPath: area, withIntermediateDirectories: true)
        let bytes = modelBytes(99)
        try writeFile(area + "/source", complete ? bytes : Array(bytes.prefix(10)))
        guard complete else { return }
        try writeFile(area + "/model.maas", Array("native".utf8))
        var info = ModelVersion()
        info.name = name
        info.version = version
        info.sizeBytes = UInt64(bytes.count)
        info.sha256 = sha256Hex(bytes)
        try writeFile(area + "/version.pb", info.serializedBytes())
    }

    @Test("a crash between writing and renaming leaves a staging area that start-up removes, unseen")
    func crashBeforeRename() throws {
        try withTemporaryDirectory { dir in
            do { try ModelRegistry(directory: dir).register("m", modelBytes(1)) }
            try leaveStagingArea(dir, id: "0123456789abcdef0123456789abcdef", name: "m", version: 2, complete: true)
            try leaveStagingArea(dir, id: "fedcba9876543210fedcba9876543210", name: "m", version: 0, complete: false)

            let recorder = LogRecorder()
            let registry = try ModelRegistry(directory: dir, logger: recorder.logger)
            #expect(entries(of: dir + "/staging").isEmpty)
            #expect(try registry.versions(of: "m").map(\.version) == [1])
            #expect(recorder.entries.filter { $0.message.contains("interrupted upload") }.count == 2)
            #expect(try registry.register("m", modelBytes(2)).version == 2)
        }
    }

    @Test("a version renamed into place before the crash loads whole")
    func crashAfterRename() throws {
        try withTemporaryDirectory { dir in
            do { try ModelRegistry(directory: dir).register("m", modelBytes(1)) }
            // The rename reached the disk, the acknowledgement never went out.
            try leaveStagingArea(dir, id: "aa", name: "m", version: 2, complete: true)
            try FileManager.default.moveItem(atPath: dir + "/staging/aa", toPath: dir + "/models/m/2")

            let registry = try ModelRegistry(directory: dir)
            #expect(try registry.resolve(name: "m", version: 0).info.sha256 == sha256Hex(modelBytes(99)))
            #expect(try registry.register("m", modelBytes(3)).version == 3)
        }
    }

    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case garbage, truncated, empty, missing, otherVersion, sourceMissing, artifactMissing, badDigest

        var testDescription: String { rawValue }

        func apply(to versionDirectory: String) throws {
            let metadata = versionDirectory + "/version.pb"
            let valid = try [UInt8](Data(contentsOf: URL(fileURLWithPath: metadata)))
            var info = try ModelVersion(serializedBytes: valid)
            switch self {
            case .garbage: try Data([0xff, 0xff, 0xff, 0xff, 0x0f, 0x07]).write(to: URL(fileURLWithPath: metadata))
            case .truncated: try Data(valid.prefix(valid.count / 2)).write(to: URL(fileURLWithPath: metadata))
            case .empty: try Data().write(to: URL(fileURLWithPath: metadata))
            case .missing: try FileManager.default.removeItem(atPath: metadata)
            case .otherVersion:
                info.version = 7
                try Data(info.serializedBytes()).write(to: URL(fileURLWithPath: metadata))
            case .sourceMissing: try FileManager.default.removeItem(atPath: versionDirectory + "/source")
            case .artifactMissing: try FileManager.default.removeItem(atPath: versionDirectory + "/model.maas")
            case .badDigest:
                info.sha256 = "not-a-digest"
                try Data(info.serializedBytes()).write(to: URL(fileURLWithPath: metadata))
            }
        }
    }

    @Test("a damaged version is skipped with an error log, and its number is never reused", arguments: Damage.allCases)
    func damagedVersion(_ damage: Damage) throws {
        try withTemporaryDirectory { dir in
            do {
                let registry = try ModelRegistry(directory: dir)
                try registry.register("m", modelBytes(1))
                try registry.register("m", modelBytes(2))
            }
            try damage.apply(to: dir + "/models/m/2")

            let recorder = LogRecorder()
            let registry = try ModelRegistry(directory: dir, logger: recorder.logger)
            #expect(try registry.versions(of: "m").map(\.version) == [1])
            let reports = recorder.entries.filter { $0.level == .error && $0.metadata["model.version"] == "2" }
            #expect(reports.count == 1)
            #expect(reports.first?.metadata["reason"] != nil)
            #expect(try registry.register("m", modelBytes(3)).version == 3)
        }
    }

    @Test("entries under models/ that are not models or versions are ignored with a warning")
    func strayEntries() throws {
        try withTemporaryDirectory { dir in
            do { try ModelRegistry(directory: dir).register("m", modelBytes(1)) }
            let fm = FileManager.default
            try fm.createDirectory(atPath: dir + "/models/.trash", withIntermediateDirectories: false)
            try fm.createDirectory(atPath: dir + "/models/m/007", withIntermediateDirectories: false)
            try writeFile(dir + "/models/notes.txt", Array("hi".utf8))

            let recorder = LogRecorder()
            let registry = try ModelRegistry(directory: dir, logger: recorder.logger)
            #expect(registry.modelNames() == ["m"])
            #expect(try registry.versions(of: "m").map(\.version) == [1])
            #expect(recorder.entries.filter { $0.level == .warning }.count == 3)
        }
    }
}
