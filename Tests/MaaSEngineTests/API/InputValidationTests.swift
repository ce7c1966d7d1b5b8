import Testing
import MaaSEngine

@Suite("run input validation")
struct InputValidationTests {
    static let model = try! ReferenceModels.speechLike.load()

    @Test("wrong names, types and shapes are invalid input with a message saying what is wrong", arguments: [
        ("missing", [:] as [String: HostTensor], "missing input 'x'"),
        ("unknown name", ["x": HostTensor(shape: [1, 1, 4], floats: [1, 2, 3, 4]), "y": HostTensor(shape: [1], floats: [0])],
         "unknown input 'y'"),
        ("int64 instead of float", ["x": HostTensor(shape: [1, 1, 4], int64s: [1, 2, 3, 4])], "is int64, the model expects float32"),
        ("wrong rank", ["x": HostTensor(shape: [1, 4], floats: [1, 2, 3, 4])], "expects rank 3"),
        ("wrong static dimension", ["x": HostTensor(shape: [1, 1, 5], floats: [1, 2, 3, 4, 5])], "axis 2 must be 4"),
        ("too few values", ["x": HostTensor(shape: [2, 1, 4], floats: [1, 2, 3, 4])], "has 4 values, its shape [2, 1, 4] needs 8"),
        ("zero dimension", ["x": HostTensor(shape: [0, 1, 4], floats: [])], "dimensions must be ≥ 1"),
        ("negative dimension", ["x": HostTensor(shape: [-1, 1, 4], floats: [])], "dimensions must be ≥ 1"),
    ])
    func invalid(_ name: String, _ inputs: [String: HostTensor], _ message: String) {
        let error = #expect(throws: EngineError.self) { try Self.model.run(inputs) }
        #expect(error?.kind == .invalidInput, "\(name)")
        #expect(error?.message.contains(message) == true, "\(name): \(error?.message ?? "")")
    }

    @Test("an error in one run leaves the model usable")
    func recovers() throws {
        _ = try? Self.model.run(["x": HostTensor(shape: [1, 1, 5], floats: [1, 2, 3, 4, 5])])
        #expect(try Self.model.run(ReferenceModels.input(time: 2, batch: 1))["p"]?.shape == [2, 1, 3])
    }
}
