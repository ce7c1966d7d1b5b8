import Testing
import MaaSEngine

@Suite("constant folding and shape plumbing")
struct FoldingTests {
    func fixture(_ name: String, kind: String = "models") throws -> CompiledModel {
        let fixture = try #require(RuntimeFixtures.cases(kind: kind).first { $0.name == name })
        return try ModelCompiler.compile(onnx: try RuntimeFixtures.modelBytes(fixture))
    }

    @Test("the Keras graph's Shape→Slice→Cast→Concat→Expand states and Reshape→MatMul→Reshape leave no shape ops")
    func kerasPlumbing() throws {
        let compiled = try fixture("keras_lstm")
        #expect(compiled.opNames == ["Transpose", "ConstantOfShape", "ConstantOfShape", "LSTM", "Transpose", "Dense", "Softmax"])
    }

    @Test("the PyTorch graph's Shape→Gather→Unsqueeze→Concat→ConstantOfShape state becomes one fill")
    func pytorchPlumbing() throws {
        let compiled = try fixture("pytorch_gru")
        #expect(compiled.opNames == ["ConstantOfShape", "GRU", "Transpose", "Dense", "Gather", "Dense", "LogSoftmax"])
    }

    @Test("the 1-D CNN front-end folds its BatchNormalization and Relu into the Conv")
    func cnnPlumbing() throws {
        let compiled = try fixture("cnn_gru")
        #expect(compiled.opNames == ["Conv", "MaxPool", "Transpose", "GRU", "Dense", "Softmax"])
    }

    @Test("the tf2onnx graph's int32 shape arithmetic folds away; SAME padding and ceil mode stay dynamic")
    func tf2onnxPlumbing() throws {
        let compiled = try fixture("tf2onnx_conv_lstm", kind: "core")
        #expect(compiled.opNames == [
            "Transpose", "Conv", "MaxPool", "Transpose", "ConstantOfShape", "LSTM", "Transpose", "ReduceMean", "Dense",
            "LogSoftmax",
        ])
        guard case .conv(let window, _, .relu) = compiled.plan.ops[1].kind else {
            Issue.record("expected a conv with a fused Relu, got \(compiled.plan.ops[1].kind)")
            return
        }
        #expect(window.autoPad == .sameUpper)
    }

    @Test("a subgraph of constants is evaluated at compile time with the run-time kernels")
    func constantSubgraph() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, 2])
        builder.initializer("a", [1, 2, 3, 4], [2, 2])
        builder.initializer("b", [10, 20], [2])
        builder.node("Transpose", ["a"], ["at"])
        builder.node("Add", ["at", "b"], ["c"])
        builder.node("Mul", ["x", "c"], ["y"])
        builder.output("y")
        let compiled = try builder.compile()
        #expect(compiled.opNames == ["Mul"])
        let y = try LoadedModel.load(bytes: compiled.serialized()).run(["x": HostTensor(shape: [2, 2], floats: [1, 1, 2, 2])])["y"]
        #expect(y?.floats == [11, 23, 24, 48])
    }

    @Test("Shape of a dynamic input, used as data, is written at run time from the dim program")
    func shapeAsData() throws {
        var builder = OnnxModelBuilder(opset: 15)
        builder.input("x", [-1, 3, -1])
        builder.node("Shape", ["x"], ["s"], [Attribute.int("start", 1)])
        builder.output("s", type: OnnxDataType.int64)
        let model = try builder.load()
        #expect(model.outputs == [TensorSignature(name: "s", elementType: .int64, shape: [2])])
        let s = try model.run(["x": HostTensor(shape: [2, 3, 5], floats: .init(repeating: 0, count: 30))])["s"]
        #expect(s?.int64s == [3, 5])
    }

    @Test("batch × time computed from Shape feeds a Reshape without any run-time op")
    func shapeArithmetic() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, -1, 4], names: [1: "time"])
        builder.initializer("i0", ints: [0], [])
        builder.initializer("i1", ints: [1], [])
        builder.initializer("axes", ints: [0], [1])
        builder.initializer("four", ints: [4], [1])
        builder.node("Shape", ["x"], ["s"])
        builder.node("Gather", ["s", "i0"], ["b"])
        builder.node("Gather", ["s", "i1"], ["t"])
        builder.node("Mul", ["b", "t"], ["bt"])
        builder.node("Unsqueeze", ["bt", "axes"], ["bt1"])
        builder.node("Concat", ["bt1", "four"], ["target"], [Attribute.int("axis", 0)])
        builder.node("Reshape", ["x", "target"], ["y"])
        builder.output("y")
        let compiled = try builder.compile()
        #expect(compiled.opNames.isEmpty)
        #expect(compiled.outputs.first?.shape == [-1, 4])
        let y = try LoadedModel.load(bytes: compiled.serialized()).run(["x": HostTensor(shape: [2, 3, 4], floats: pseudoRandom(24))])["y"]
        #expect(y?.shape == [6, 4])
    }

    @Test("a shape given as a static-size int64 input sizes ConstantOfShape at run time")
    func shapeFromInputValues() throws {
        var builder = OnnxModelBuilder()
        builder.input("shape", [2], type: OnnxDataType.int64)
        var value = OnnxTensor()
        value.dataType = OnnxDataType.float
        value.dims = [1]
        value.floatData = [2.5]
        builder.node("ConstantOfShape", ["shape"], ["y"], [Attribute.tensor("value", value)])
        builder.output("y")
        let model = try builder.load()
        let y = try model.run(["shape": HostTensor(shape: [2], int64s: [2, 3])])["y"]
        #expect(y?.shape == [2, 3])
        #expect(y?.floats == .init(repeating: 2.5, count: 6))
        // Same input shape, other values: the arena must lay out again, not reuse the smaller layout.
        let bigger = try model.run(["shape": HostTensor(shape: [2], int64s: [40, 50])])["y"]
        #expect(bigger?.shape == [40, 50])
        #expect(bigger?.floats == .init(repeating: 2.5, count: 2000))
        let error = #expect(throws: EngineError.self) { try model.run(["shape": HostTensor(shape: [2], int64s: [2, -3])]) }
        #expect(error?.kind == .invalidInput)
    }
}
