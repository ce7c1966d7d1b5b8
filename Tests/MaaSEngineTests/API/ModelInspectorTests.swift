import Testing
import MaaSEngine

@Suite("model inspection")
struct ModelInspectorTests {
    @Test("an ONNX file: signatures, operator counts, parameters, and support")
    func onnx() throws {
        let file = TemporaryPath("inspect.onnx")
        try CompiledModel.writeRaw(ReferenceModels.speechLike.bytes, to: file.path)
        let report = try ModelInspector.inspect(fileAt: file.path)
        #expect(report.format == .onnx)
        #expect(report.isSupported)
        #expect(report.firstUnsupported == nil)
        #expect(report.inputs == [TensorSignature(name: "x", elementType: .float32, shape: [-1, -1, 4])])
        #expect(report.outputs.first?.shape == [-1, -1, 3])
        #expect(report.operatorCounts == ["LSTM": 1, "Squeeze": 1, "MatMul": 1, "Add": 1, "Softmax": 1])
        #expect(report.parameterCount == 96 + 144 + 48 + 18 + 3)
        #expect(report.opsetVersion == 17)
    }

    @Test("an ONNX file with an unsupported operator names the first one and its node")
    func unsupported() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [2])
        builder.node("Relu", ["x"], ["a"])
        builder.node("Erf", ["a"], ["b"], name: "gelu_part")
        builder.node("Elu", ["b"], ["y"], name: "later")
        builder.output("y")
        let file = TemporaryPath("unsupported.onnx")
        try CompiledModel.writeRaw(builder.bytes, to: file.path)
        let report = try ModelInspector.inspect(fileAt: file.path)
        #expect(!report.isSupported)
        #expect(report.firstUnsupported == .init(opType: "Erf", node: "gelu_part"))
    }

    @Test("a supported ONNX file that does not compile says why")
    func problem() throws {
        var builder = OnnxModelBuilder()
        builder.input("a", [2, 4])
        builder.input("b", [3])
        builder.node("Add", ["a", "b"], ["y"])
        builder.output("y")
        let file = TemporaryPath("problem.onnx")
        try CompiledModel.writeRaw(builder.bytes, to: file.path)
        let report = try ModelInspector.inspect(fileAt: file.path)
        #expect(!report.isSupported)
        #expect(report.firstUnsupported == nil)
        #expect(report.problem?.contains("cannot be broadcast") == true)
    }

    @Test("a native plan reports what it was compiled from")
    func plan() throws {
        let file = TemporaryPath("inspect.maas")
        try ReferenceModels.speechLike.compile(metadata: ["labels": "a,b,c"]).write(toFileAt: file.path)
        let report = try ModelInspector.inspect(fileAt: file.path)
        #expect(report.format == .maasPlan)
        #expect(report.isSupported)
        #expect(report.operatorCounts["LSTM"] == 1)
        #expect(report.parameterCount == 309)
        #expect(report.metadata["labels"] == "a,b,c")
        #expect(report.producer == "maas-tests")
    }

    @Test("a file that is neither ONNX nor a plan is rejected")
    func neither() throws {
        let file = TemporaryPath("text.txt")
        try CompiledModel.writeRaw(Array("hello, world".utf8), to: file.path)
        let error = #expect(throws: EngineError.self) { try ModelInspector.inspect(fileAt: file.path) }
        #expect(error?.kind == .invalidModel)
    }
}
