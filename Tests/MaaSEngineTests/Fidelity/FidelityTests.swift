import Foundation
import Testing
import MaaSEngine

/// Every fixture model compiled, written as a plan, loaded back and run: max |ours − ONNX Runtime| ≤ 1e-4.
@Suite("fidelity against ONNX Runtime")
struct FidelityTests {
    static let tolerance: Float = 1e-4

    /// Fixtures the engine rejects on purpose, with the reason; they must fail with `.unsupportedOperator`.
    static let rejected: [String: String] = [
        // Squeeze without axes on dynamic dims: the output rank would depend on the run's shapes.
        "squeeze_all": "Squeeze without axes needs static dimensions",
        // The shape input has a dynamic length, so the output's rank would depend on the run.
        "constantofshape_default": "the shape input must be computable from constants and input shapes",
        "constantofshape_value": "the shape input must be computable from constants and input shapes",
    ]

    @Test("single-operator models match ONNX Runtime", arguments: RuntimeFixtures.cases(kind: "ops"))
    func operators(_ fixture: RuntimeFixtures.Case) throws {
        if let reason = Self.rejected[fixture.name] {
            let error = #expect(throws: EngineError.self) { try ModelCompiler.compile(onnx: try RuntimeFixtures.modelBytes(fixture)) }
            #expect(error?.kind == .unsupportedOperator)
            #expect(error?.message.contains(reason) == true)
            return
        }
        let compiled = try ModelCompiler.compile(onnx: try RuntimeFixtures.modelBytes(fixture))
        let model = try LoadedModel.load(bytes: compiled.serialized())
        let difference = try RuntimeFixtures.maxDifference(model, fixture)
        #expect(difference <= Self.tolerance, "\(fixture.name): max difference \(difference)")
    }

    @Test("whole networks match ONNX Runtime after a trip through a plan file", arguments: RuntimeFixtures.cases(kind: "models"))
    func networks(_ fixture: RuntimeFixtures.Case) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fidelity-\(fixture.name)-\(getpid()).maas").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelCompiler.compile(onnx: try RuntimeFixtures.modelBytes(fixture)).write(toFileAt: path)
        let model = try LoadedModel.load(path: path)
        let difference = try RuntimeFixtures.maxDifference(model, fixture)
        #expect(difference <= Self.tolerance, "\(fixture.name): max difference \(difference)")
    }

    @Test("batched runs, tf2onnx-shaped opset-11 graphs and int32 sequence_lens match ONNX Runtime",
          arguments: RuntimeFixtures.cases(kind: "core"))
    func core(_ fixture: RuntimeFixtures.Case) throws {
        let compiled = try ModelCompiler.compile(onnx: try RuntimeFixtures.modelBytes(fixture))
        let model = try LoadedModel.load(bytes: compiled.serialized())
        let difference = try RuntimeFixtures.maxDifference(model, fixture)
        #expect(difference <= Self.tolerance, "\(fixture.name): max difference \(difference)")
    }

    @Test("the core fixtures are present")
    func corePresent() {
        #expect(RuntimeFixtures.cases(kind: "core").map(\.name) == ["batched_speech", "tf2onnx_conv_lstm", "gru_sequence_lens"])
        #expect(RuntimeFixtures.cases(kind: "models").count >= 8)
    }
}
