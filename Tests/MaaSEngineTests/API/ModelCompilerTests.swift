import Foundation
import MaaSEngine
import Testing

/// `compile(onnxFileAt:)` maps the model and leaves its weights in the mapping until the plan is written;
/// `compile(onnx:)` decodes bytes in memory. Both must produce the very same plan file.
@Suite("compiling from a file")
struct ModelCompilerTests {
    static let fixtures = RuntimeFixtures.cases(kind: "ops") + RuntimeFixtures.cases(kind: "models")
        + RuntimeFixtures.cases(kind: "core")

    /// The plan from the file, written to disk and serialized, against the plan from the bytes; or the same
    /// error from both (some fixtures are models the engine refuses).
    static func expectSamePlans(file path: String, bytes: [UInt8]) throws {
        let fromBytes: [UInt8]
        do {
            fromBytes = try ModelCompiler.compile(onnx: bytes, metadata: ["labels": "a,b"]).serialized()
        } catch {
            let fileError = #expect(throws: EngineError.self) { try ModelCompiler.compile(onnxFileAt: path) }
            #expect(fileError?.kind == error.kind)
            #expect(fileError?.message == error.message)
            return
        }
        let fromFile = try ModelCompiler.compile(onnxFileAt: path, metadata: ["labels": "a,b"])
        #expect(fromFile.serialized() == fromBytes)
        let plan = TemporaryPath("from-file.maas")
        try fromFile.write(toFileAt: plan.path)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: plan.path))) == fromBytes)
        // Written twice from the same mapping (whose pages the first write let go of): still the same.
        try fromFile.write(toFileAt: plan.path)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: plan.path))) == fromBytes)
    }

    @Test("a fixture compiled from its file gives the plan its bytes give, byte for byte", arguments: fixtures)
    func fixturePlans(_ fixture: RuntimeFixtures.Case) throws {
        let path = fixture.directory.appendingPathComponent("model.onnx").path
        try Self.expectSamePlans(file: path, bytes: try RuntimeFixtures.modelBytes(fixture))
    }

    /// Models whose float weights are raw_data at every alignment (the initializer names shift the bytes), read
    /// by every rule that moves weights: a dense MatMul, Gemm with transposed and scaled weights (large enough
    /// for several 64-row tiles), LSTM and GRU packing, and a BatchNormalization folded into a Conv.
    static func rawWeightModel(nameLength: Int, raw: Bool) -> OnnxModelBuilder {
        let pad = String(repeating: "w", count: nameLength)
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, -1, 5], names: [0: "time"])
        builder.initializer("W\(pad)", pseudoRandom(1 * 16 * 5, seed: 31, scale: 0.5), [1, 16, 5], raw: raw)
        builder.initializer("R\(pad)", pseudoRandom(1 * 16 * 4, seed: 32, scale: 0.5), [1, 16, 4], raw: raw)
        builder.initializer("B\(pad)", pseudoRandom(32, seed: 33, scale: 0.1), [1, 32], raw: raw)
        builder.initializer("P\(pad)", pseudoRandom(12, seed: 34, scale: 0.1), [1, 12], raw: raw)
        builder.node("LSTM", ["x", "W\(pad)", "R\(pad)", "B\(pad)", "", "", "", "P\(pad)"], ["y", "h"],
                     [Attribute.int("hidden_size", 4)], name: "lstm")
        builder.initializer("GW\(pad)", pseudoRandom(2 * 9 * 4, seed: 35, scale: 0.5), [2, 9, 4], raw: raw)
        builder.initializer("GR\(pad)", pseudoRandom(2 * 9 * 3, seed: 36, scale: 0.5), [2, 9, 3], raw: raw)
        builder.initializer("GB\(pad)", pseudoRandom(2 * 18, seed: 37, scale: 0.1), [2, 18], raw: raw)
        builder.initializer("axes", ints: [1], [1])
        builder.node("Squeeze", ["y", "axes"], ["frames"])
        builder.node("GRU", ["frames", "GW\(pad)", "GR\(pad)", "GB\(pad)"], ["g"],
                     [Attribute.int("hidden_size", 3), Attribute.string("direction", "bidirectional"),
                      Attribute.int("linear_before_reset", 1)], name: "gru")
        builder.initializer("flat", ints: [-1, 6], [2])
        builder.node("Reshape", ["g", "flat"], ["rows"])
        builder.initializer("G\(pad)", pseudoRandom(130 * 6, seed: 38, scale: 0.3), [130, 6], raw: raw)
        builder.initializer("c\(pad)", pseudoRandom(130, seed: 39, scale: 0.1), [130], raw: raw)
        builder.node("Gemm", ["rows", "G\(pad)", "c\(pad)"], ["wide"],
                     [Attribute.int("transB", 1), Attribute.float("alpha", 0.75)], name: "gemm")
        builder.initializer("D\(pad)", pseudoRandom(130 * 7, seed: 40, scale: 0.2), [130, 7], raw: raw)
        builder.node("MatMul", ["wide", "D\(pad)"], ["narrow"])
        builder.initializer("shape3", ints: [-1, 7, 1], [3])
        builder.node("Reshape", ["narrow", "shape3"], ["signal"])
        builder.initializer("K\(pad)", pseudoRandom(3 * 7 * 1, seed: 41, scale: 0.4), [3, 7, 1], raw: raw)
        builder.node("Conv", ["signal", "K\(pad)"], ["conv"], name: "conv")
        for (index, name) in ["scale", "bias", "mean", "var"].enumerated() {
            let values = pseudoRandom(3, seed: UInt64(42 + index), scale: 0.3).map { name == "var" ? abs($0) + 0.5 : $0 }
            builder.initializer("\(name)\(pad)", values, [3], raw: raw)
        }
        builder.node("BatchNormalization", ["conv", "scale\(pad)", "bias\(pad)", "mean\(pad)", "var\(pad)"], ["out"])
        builder.output("out")
        builder.output("h")
        return builder
    }

    @Test("raw weights at every alignment give the same plan from a file, from bytes, and as typed values",
          arguments: 0..<4)
    func rawWeightPlans(_ nameLength: Int) throws {
        let raw = Self.rawWeightModel(nameLength: nameLength, raw: true).bytes
        let file = TemporaryPath("raw.onnx")
        try Data(raw).write(to: URL(fileURLWithPath: file.path))
        try Self.expectSamePlans(file: file.path, bytes: raw)
        // Weights kept as bytes and weights decoded into arrays are the same weights.
        let typed = try Self.rawWeightModel(nameLength: nameLength, raw: false).compile(metadata: ["labels": "a,b"])
        #expect(try ModelCompiler.compile(onnxFileAt: file.path, metadata: ["labels": "a,b"]).serialized() == typed.serialized())
    }

    @Test("a model compiled from a file runs like the one compiled from its bytes")
    func runs() throws {
        let builder = Self.rawWeightModel(nameLength: 1, raw: true)
        let file = TemporaryPath("runs.onnx")
        try Data(builder.bytes).write(to: URL(fileURLWithPath: file.path))
        let plan = TemporaryPath("runs.maas")
        try ModelCompiler.compile(onnxFileAt: file.path).write(toFileAt: plan.path)
        let mapped = try LoadedModel.load(path: plan.path)
        let inMemory = try builder.load()
        let input = ["x": HostTensor(shape: [3, 2, 5], floats: pseudoRandom(30, seed: 50))]
        #expect(try mapped.run(input) == inMemory.run(input))
    }
}
