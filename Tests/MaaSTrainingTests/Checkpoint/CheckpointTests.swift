import Foundation
import Testing
@testable import MaaSTraining

@Suite("Checkpoint")
struct CheckpointTests {
    static func state() throws -> TrainingState {
        let data = SyntheticClips.make(perClass: 4, seed: 10)
        let split = data.split(validationFraction: 0.25, seed: 1)
        let trainer = try Trainer(configuration: SyntheticClips.configuration, train: split.train, validation: split.validation)
        trainer.runEpoch()
        return trainer.state
    }

    @Test("a state survives the file round trip bit for bit")
    func roundTrip() throws {
        let state = try Self.state()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maas-ckpt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Checkpoint.write(state, toDirectory: directory)
        let restored = try Checkpoint.read(fromDirectory: directory)
        #expect(restored == state)
        #expect(restored.parameters.map(\.bitPattern) == state.parameters.map(\.bitPattern))
    }

    @Test("every truncation of a checkpoint is an error, never a crash")
    func truncations() throws {
        let bytes = Checkpoint.serialize(try Self.state())
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            #expect(throws: TrainingError.self) { try Checkpoint.deserialize(Array(bytes.prefix(length))) }
        }
    }

    @Test("inconsistent sizes are refused with the field named", arguments: [
        ("parameters", 18), ("adam_m", 19), ("mean", 16),
    ])
    func inconsistent(name: String, field: Int) throws {
        var bytes = Checkpoint.serialize(try Self.state())
        // One more float appended to the packed field (unpacked form: a two-byte varint key, then 4 bytes).
        let key = field << 3 | 5
        bytes += [UInt8(key & 0x7F | 0x80), UInt8(key >> 7), 0, 0, 0x80, 0x3F]
        let error = try #require(throws: TrainingError.self) { try Checkpoint.deserialize(bytes) }
        #expect(error.message.contains(name))
    }

    @Test("a missing checkpoint is an error naming the path")
    func missing() {
        let error = #expect(throws: TrainingError.self) { try Checkpoint.read(fromDirectory: "/nonexistent/maas") }
        #expect(error?.message.contains("/nonexistent/maas") == true)
    }
}
