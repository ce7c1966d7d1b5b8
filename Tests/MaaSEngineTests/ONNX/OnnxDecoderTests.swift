import Testing
import MaaSEngine

@Suite("ONNX decoding")
struct OnnxDecoderTests {
    /// A one-node model: y = x + c, with `c` given as `tensor`.
    func addModel(_ constant: OnnxTensor, inputType: Int32 = OnnxDataType.float) -> OnnxModelBuilder {
        var builder = OnnxModelBuilder()
        builder.input("x", [2], type: inputType)
        builder.graph.initializers.append(constant)
        builder.node("Add", ["x", constant.name], ["y"], name: "add")
        builder.output("y", type: inputType)
        return builder
    }

    func tensor(_ name: String, type: Int32, dims: [Int64] = [2], _ fill: (inout OnnxTensor) -> Void) -> OnnxTensor {
        var t = OnnxTensor()
        t.name = name
        t.dataType = type
        t.dims = dims
        fill(&t)
        return t
    }

    @Test("a model survives encode → decode with nodes, attributes, initializers and metadata")
    func roundTrip() throws {
        var builder = OnnxModelBuilder(opset: 13)
        builder.input("x", [-1, 4])
        builder.initializer("W", pseudoRandom(12), [4, 3], raw: true)
        builder.node("MatMul", ["x", "W"], ["y"], [Attribute.int("unused", 7), Attribute.string("s", "text")], name: "mm")
        builder.output("y")
        builder.metadata = ["labels": "a,b,c"]
        let decoded = try OnnxModel(serializedBytes: builder.bytes)
        #expect(decoded == builder.model)
        #expect(decoded.defaultOpsetVersion == 13)
        #expect(decoded.graph?.nodes.first?.attributes.map(\.name) == ["unused", "s"])
    }

    @Test("typed initializers (float_data, int64_data, int32_data, double_data) load as their values")
    func typedInitializers() throws {
        let floats = tensor("c", type: OnnxDataType.float) { $0.floatData = [1.5, -2] }
        #expect(try addModel(floats).load().run(["x": HostTensor(shape: [2], floats: [1, 1])])["y"]?.floats == [2.5, -1])
        let doubles = tensor("c", type: OnnxDataType.double) { $0.doubleData = [0.25, 4] }
        #expect(try addModel(doubles).load().run(["x": HostTensor(shape: [2], floats: [1, 1])])["y"]?.floats == [1.25, 5])
        let int64s = tensor("c", type: OnnxDataType.int64) { $0.int64Data = [10, -3] }
        #expect(try addModel(int64s, inputType: OnnxDataType.int64).load()
            .run(["x": HostTensor(shape: [2], int64s: [1, 1])])["y"]?.int64s == [11, -2])
        let int32s = tensor("c", type: OnnxDataType.int32) { $0.int32Data = [7, -7] }
        #expect(try int32s.constant(what: "c") == ConstantTensor(ints: [7, -7], shape: [2], type: .int32))
    }

    @Test("raw_data initializers decode little-endian for each element type", arguments: [
        (OnnxDataType.float, [0, 0, 0xC0, 0x3F, 0, 0, 0x80, 0xBF] as [UInt8], ConstantTensor(floats: [1.5, -1], shape: [2])),
        (OnnxDataType.int64, [5, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
         ConstantTensor(ints: [5, -1], shape: [2])),
        (OnnxDataType.int32, [2, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF], ConstantTensor(ints: [2, -2], shape: [2], type: .int32)),
        (OnnxDataType.bool, [1, 0], ConstantTensor(ints: [1, 0], shape: [2], type: .bool)),
        (OnnxDataType.int8, [0xFF, 3], ConstantTensor(ints: [-1, 3], shape: [2])),
    ])
    func rawInitializers(type: Int32, bytes: [UInt8], expected: ConstantTensor) throws {
        let t = tensor("c", type: type) { $0.rawData = ArraySlice(bytes) }
        #expect(try t.constant(what: "c") == expected)
    }

    @Test("an initializer whose data does not match its dims is rejected, naming it")
    func mismatchedData() throws {
        let short = tensor("weights", type: OnnxDataType.float, dims: [3]) { $0.rawData = ArraySlice([0, 0, 0, 0]) }
        let error = #expect(throws: EngineError.self) { try addModel(short).compile() }
        #expect(error?.kind == .invalidModel)
        #expect(error?.message.contains("initializer 'weights'") == true)
        let missing = tensor("w2", type: OnnxDataType.float) { _ in }
        #expect(throws: EngineError.self) { try addModel(missing).compile() }
    }

    @Test("external data (data_location EXTERNAL) is rejected with a message saying so")
    func externalDataLocation() throws {
        var builder = addModel(tensor("c", type: OnnxDataType.float) { $0.dataLocation = 1 })
        builder.graph.initializers[0].dataLocation = 1
        let error = #expect(throws: EngineError.self) { try ModelCompiler.compile(onnx: builder.bytes) }
        #expect(error?.kind == .invalidModel)
        #expect(error?.message.contains("initializer 'c'") == true)
        #expect(error?.message.contains("external data is not supported") == true)
    }

    @Test("external_data entries without data_location are rejected too")
    func externalDataEntries() throws {
        // TensorProto bytes plus external_data (field 13) = {key: "location", value: "w.bin"}.
        let entry: [UInt8] = [0x0A, 0x08] + Array("location".utf8) + [0x12, 0x05] + Array("w.bin".utf8)
        let bytes = tensor("c", type: OnnxDataType.float) { _ in }.serializedBytes() + [0x6A, UInt8(entry.count)] + entry
        let decoded = try OnnxTensor(serializedBytes: bytes)
        #expect(decoded.externalDataEntries == 1)
        let error = #expect(throws: EngineError.self) { try decoded.constant(what: "initializer 'c'") }
        #expect(error?.message.contains("external data is not supported") == true)
    }

    @Test("opsets outside 11–21, or no default-domain opset, are rejected", arguments: [10, 22, 7, 0])
    func badOpset(version: Int64) throws {
        var builder = addModel(tensor("c", type: OnnxDataType.float) { $0.floatData = [1, 2] })
        builder.opset = version
        var model = builder.model
        if version == 0 { model.operatorSets = [.init(domain: "ai.onnx.ml", version: 3)] }
        let error = #expect(throws: EngineError.self) { try ModelCompiler.compile(onnx: model.serializedBytes()) }
        #expect(error?.kind == .invalidModel)
        #expect(error?.message.contains(version == 0 ? "imports no version" : "opset \(version) is not supported") == true)
    }

    @Test("opsets 11 through 21 are accepted", arguments: 11...21)
    func goodOpset(version: Int64) throws {
        var builder = OnnxModelBuilder(opset: version)
        builder.input("x", [-1, 3])
        builder.node("Relu", ["x"], ["y"])
        builder.output("y")
        let y = try builder.load().run(["x": HostTensor(shape: [1, 3], floats: [-1, 0, 2])])["y"]
        #expect(y?.floats == [0, 0, 2])
    }
}
