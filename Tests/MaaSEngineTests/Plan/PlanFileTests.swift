import Testing
import MaaSEngine

@Suite("plan files")
struct PlanFileTests {
    @Test("compile → write → mmap load gives the same outputs as the plan loaded from memory")
    func roundTrip() throws {
        let compiled = try ReferenceModels.speechLike.compile()
        let file = TemporaryPath("round-trip.maas")
        try compiled.write(toFileAt: file.path)
        let mapped = try LoadedModel.load(path: file.path)
        let inMemory = try LoadedModel.load(bytes: compiled.serialized())
        #expect(mapped.inputs == compiled.inputs)
        #expect(mapped.outputs == compiled.outputs)
        for (time, batch) in [(1, 1), (5, 2), (11, 3)] {
            let input = ReferenceModels.input(time: time, batch: batch)
            let a = try mapped.run(input)["p"]!, b = try inMemory.run(input)["p"]!
            #expect(a == b)
            #expect(a.shape == [time, batch, 3])
        }
    }

    @Test("the header codec reproduces every fixture's plan exactly", arguments: RuntimeFixtures.cases(kind: "models"))
    func headerRoundTrip(_ fixture: RuntimeFixtures.Case) throws {
        let plan = try ModelCompiler.compile(onnx: try RuntimeFixtures.modelBytes(fixture)).plan
        #expect(try PlanHeaderCodec.decode(PlanHeaderCodec.encode(plan)) == plan)
    }

    @Test("the file starts with the magic, is detected as a plan, and keeps every constant 64-byte aligned")
    func layout() throws {
        let compiled = try ReferenceModels.speechLike.compile()
        let bytes = compiled.serialized()
        #expect(Array(bytes.prefix(8)) == Array("MAASPLAN".utf8))
        #expect(ModelFileFormat.detect(bytes.prefix(16)) == .maasPlan)
        let preamble = try bytes.withUnsafeBytes { try PlanFileLayout.Preamble.decode($0, fileSize: bytes.count) }
        #expect(preamble.weightsOffset % 64 == 0)
        #expect(preamble.weightsOffset + preamble.weightsLength == bytes.count)
        #expect(!compiled.plan.constants.isEmpty)
        #expect(compiled.plan.constants.allSatisfy { $0.offset % 64 == 0 })
    }

    @Test("format detection tells ONNX from plans from anything else", arguments: [
        ([0x08, 0x08, 0x12, 0x04] as [UInt8], ModelFileFormat.onnx),
        (Array("MAASPLAN".utf8) + [1, 0, 0, 0], .maasPlan),
        (Array("{\"json\": true}".utf8), nil),
        ([], nil),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], nil),
    ])
    func detection(_ prefix: [UInt8], _ expected: ModelFileFormat?) {
        #expect(ModelFileFormat.detect(prefix) == expected)
    }

    @Test("an ONNX model from an exporter is detected as ONNX")
    func detectsOnnx() throws {
        #expect(ModelFileFormat.detect(ReferenceModels.speechLike.bytes.prefix(16)) == .onnx)
        let fixture = try #require(RuntimeFixtures.cases(kind: "models").first)
        #expect(ModelFileFormat.detect(try RuntimeFixtures.modelBytes(fixture).prefix(16)) == .onnx)
    }

    @Test("metadata from the ONNX model and from the caller is stored, the caller winning")
    func metadata() throws {
        var builder = ReferenceModels.speechLike
        builder.metadata = ["labels": "from-onnx", "author": "exporter"]
        var compiled = try builder.compile(metadata: ["labels": "yes,no,up", "sample_rate": "16000"])
        #expect(compiled.metadata == ["labels": "yes,no,up", "author": "exporter", "sample_rate": "16000"])
        compiled.metadata["preprocessing"] = "mfcc:20"
        let loaded = try LoadedModel.load(bytes: compiled.serialized())
        #expect(loaded.metadata["preprocessing"] == "mfcc:20")
        #expect(loaded.metadata["labels"] == "yes,no,up")
    }

    @Test("file errors name the path", arguments: ["/nonexistent-dir/x.maas", "/"])
    func fileErrors(_ path: String) throws {
        let error = #expect(throws: EngineError.self) { try LoadedModel.load(path: path) }
        #expect(error?.message.contains("'\(path)'") == true)
        let writeError = #expect(throws: EngineError.self) { try ReferenceModels.speechLike.compile().write(toFileAt: path) }
        #expect(writeError?.message.contains("'\(path)'") == true)
    }

    @Test("compile(onnxFileAt:) reads the model from disk")
    func compileFromFile() throws {
        let file = TemporaryPath("model.onnx")
        let bytes = ReferenceModels.speechLike.bytes
        let plan = TemporaryPath("model.maas")
        try CompiledModel.writeRaw(bytes, to: file.path)
        try ModelCompiler.compile(onnxFileAt: file.path).write(toFileAt: plan.path)
        #expect(try LoadedModel.load(path: plan.path).outputs.first?.shape == [-1, -1, 3])
    }
}

extension CompiledModel {
    /// Test helper: writes arbitrary bytes with the engine's own fsyncing writer.
    static func writeRaw(_ bytes: [UInt8], to path: String) throws {
        try PlanFile.write(bytes, to: path)
    }
}
