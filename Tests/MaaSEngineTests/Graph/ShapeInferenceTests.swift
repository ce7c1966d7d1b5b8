import Testing
import MaaSEngine

@Suite("shape inference")
struct ShapeInferenceTests {
    @Test("time and batch stay dynamic through LSTM, per-frame Dense and Softmax")
    func dynamicDimensions() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, -1, 6], names: [0: "time", 1: "batch"])
        builder.initializer("W", pseudoRandom(4 * 5 * 6), [1, 20, 6])
        builder.initializer("R", pseudoRandom(4 * 5 * 5), [1, 20, 5])
        builder.initializer("D", pseudoRandom(5 * 3), [5, 3])
        builder.node("LSTM", ["x", "W", "R"], ["y", "h"], [Attribute.int("hidden_size", 5)])
        builder.node("MatMul", ["y", "D"], ["logits"])
        builder.node("Softmax", ["logits"], ["p"], [Attribute.int("axis", -1)])
        builder.output("p")
        builder.output("h")
        let compiled = try builder.compile()
        #expect(compiled.inputs == [TensorSignature(name: "x", elementType: .float32, shape: [-1, -1, 6])])
        #expect(compiled.outputs == [
            TensorSignature(name: "p", elementType: .float32, shape: [-1, 1, -1, 3]),
            TensorSignature(name: "h", elementType: .float32, shape: [1, -1, 5]),
        ])
        let model = try LoadedModel.load(bytes: compiled.serialized())
        for (time, batch) in [(1, 1), (7, 3)] {
            let out = try model.run(["x": HostTensor(shape: [time, batch, 6], floats: pseudoRandom(time * batch * 6))])
            #expect(out["p"]?.shape == [time, 1, batch, 3])
            #expect(out["h"]?.shape == [1, batch, 5])
        }
    }

    @Test("broadcasting follows ONNX rules: [B, 1, 4] + [3, 1] → [B, 3, 4]")
    func broadcasting() throws {
        var builder = OnnxModelBuilder()
        builder.input("a", [-1, 1, 4])
        builder.input("b", [3, 1])
        builder.node("Add", ["a", "b"], ["y"])
        builder.output("y")
        let compiled = try builder.compile()
        #expect(compiled.outputs.first?.shape == [-1, 3, 4])
        let model = try LoadedModel.load(bytes: compiled.serialized())
        let y = try model.run([
            "a": HostTensor(shape: [2, 1, 4], floats: (0..<8).map(Float.init)),
            "b": HostTensor(shape: [3, 1], floats: [100, 200, 300]),
        ])["y"]!
        #expect(y.shape == [2, 3, 4])
        #expect(y.floats?[0..<5] == [100, 101, 102, 103, 200])
        #expect(y.floats?[12] == 104)
    }

    @Test("static dimensions that cannot broadcast fail compilation, naming the node")
    func staticBroadcastMismatch() throws {
        var builder = OnnxModelBuilder()
        builder.input("a", [2, 4])
        builder.input("b", [3])
        builder.node("Mul", ["a", "b"], ["y"], name: "scale")
        builder.output("y")
        let error = #expect(throws: EngineError.self) { try builder.compile() }
        #expect(error?.kind == .invalidModel)
        #expect(error?.message.contains("Mul node 'scale'") == true)
        #expect(error?.message.contains("4 and 3") == true)
    }

    @Test("dynamic dimensions that turn out not to broadcast fail the run, not the compilation")
    func dynamicBroadcastMismatch() throws {
        var builder = OnnxModelBuilder()
        builder.input("a", [-1, 4])
        builder.input("b", [-1, 4], names: [0: "other"])
        builder.node("Sub", ["a", "b"], ["y"], name: "diff")
        builder.output("y")
        let model = try builder.load()
        let ok = try model.run(["a": HostTensor(shape: [2, 4], floats: .init(repeating: 1, count: 8)),
                                "b": HostTensor(shape: [1, 4], floats: .init(repeating: 1, count: 4))])
        #expect(ok["y"]?.shape == [2, 4])
        let error = #expect(throws: EngineError.self) {
            try model.run(["a": HostTensor(shape: [2, 4], floats: .init(repeating: 1, count: 8)),
                           "b": HostTensor(shape: [3, 4], floats: .init(repeating: 1, count: 12))])
        }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message.contains("Sub node 'diff'") == true)
    }

    @Test("Reshape resolves 0 (copy) and -1 (infer) against dynamic dims")
    func reshape() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, 3, 4])
        builder.initializer("shape", ints: [0, -1], [2])
        builder.node("Reshape", ["x", "shape"], ["y"])
        builder.output("y")
        let compiled = try builder.compile()
        #expect(compiled.outputs.first?.shape == [-1, 12])
        #expect(compiled.opNames.isEmpty, "a reshape is a view: no op, no copy")
        let y = try LoadedModel.load(bytes: compiled.serialized()).run(["x": HostTensor(shape: [2, 3, 4], floats: pseudoRandom(24))])["y"]
        #expect(y?.shape == [2, 12])
        #expect(y?.floats == pseudoRandom(24))
    }

    @Test("Conv and MaxPool output lengths follow a dynamic time axis")
    func convolutionLengths() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, 2, -1], names: [2: "time"])
        builder.initializer("W", pseudoRandom(4 * 2 * 3), [4, 2, 3])
        builder.node("Conv", ["x", "W"], ["c"], [Attribute.ints("pads", [1, 1])])
        builder.node("MaxPool", ["c"], ["p"], [Attribute.ints("kernel_shape", [2]), Attribute.ints("strides", [2])])
        builder.output("p")
        let model = try builder.load()
        #expect(model.outputs.first?.shape == [-1, 4, -1])
        for time in [2, 9, 10] {
            let y = try model.run(["x": HostTensor(shape: [1, 2, time], floats: pseudoRandom(2 * time))])["p"]
            #expect(y?.shape == [1, 4, time / 2])
        }
        let error = #expect(throws: EngineError.self) { try model.run(["x": HostTensor(shape: [1, 2, 1], floats: [0, 0])]) }
        #expect(error?.kind == .invalidInput)
    }

    @Test("an unsupported operator is named with its node and the list of supported ones")
    func unsupportedOperator() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [2, 2])
        builder.node("Relu", ["x"], ["r"])
        builder.node("Einsum", ["r", "r"], ["y"], [Attribute.string("equation", "ij,jk->ik")], name: "contract")
        builder.output("y")
        let error = #expect(throws: EngineError.self) { try builder.compile() }
        #expect(error?.kind == .unsupportedOperator)
        #expect(error?.message.contains("operator Einsum") == true)
        #expect(error?.message.contains("node 'contract'") == true)
        #expect(error?.message.contains("supported operators: Add, AveragePool") == true)
    }

    @Test("operators from other domains are unsupported even when the name matches")
    func foreignDomain() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [2])
        builder.node("Relu", ["x"], ["y"], name: "custom")
        builder.graph.nodes[0].domain = "com.example"
        builder.output("y")
        let error = #expect(throws: EngineError.self) { try builder.compile() }
        #expect(error?.kind == .unsupportedOperator)
        #expect(error?.message.contains("domain 'com.example'") == true)
    }

    @Test("graphs that read undefined values, redefine values or loop are rejected", arguments: [
        ("undefined", [("Relu", ["missing"], ["y"])], "reads 'missing'"),
        ("redefined", [("Relu", ["x"], ["y"]), ("Relu", ["x"], ["y"])], "defined twice"),
        ("cycle", [("Add", ["x", "b"], ["a"]), ("Relu", ["a"], ["b"]), ("Relu", ["a"], ["y"])], "cycle"),
    ])
    func badGraphs(_ name: String, _ nodes: [(String, [String], [String])], _ message: String) throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [2])
        for (op, inputs, outputs) in nodes { builder.node(op, inputs, outputs) }
        builder.output("y")
        let error = #expect(throws: EngineError.self) { try builder.compile() }
        #expect(error?.kind == .invalidModel)
        #expect(error?.message.contains(message) == true, "\(name): \(error?.message ?? "")")
    }
}
