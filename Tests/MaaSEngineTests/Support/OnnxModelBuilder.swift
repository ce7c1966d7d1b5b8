import MaaSEngine

/// Builds small ONNX models in Swift for tests, encoded with the same ProtoWire types the engine decodes.
struct OnnxModelBuilder {
    var opset: Int64 = 17
    var graph = OnnxGraph()
    var metadata: [String: String] = [:]

    init(opset: Int64 = 17) {
        self.opset = opset
    }

    /// A graph input; `-1` dims become named dynamic dims (`batch` for axis 0, `d<axis>` otherwise) unless named.
    mutating func input(_ name: String, _ shape: [Int], type: Int32 = OnnxDataType.float, names: [Int: String] = [:]) {
        let dims = shape.enumerated().map { axis, size -> OnnxValueInfo.Dim in
            size >= 0 ? .value(Int64(size)) : .param(names[axis] ?? (axis == 0 ? "batch" : "d\(axis)"))
        }
        graph.inputs.append(OnnxValueInfo(name: name, elemType: type, shape: dims))
    }

    mutating func output(_ name: String, type: Int32 = OnnxDataType.float) {
        graph.outputs.append(OnnxValueInfo(name: name, elemType: type, shape: nil))
    }

    mutating func initializer(_ name: String, _ values: [Float], _ shape: [Int], raw: Bool = false) {
        var tensor = OnnxTensor()
        tensor.name = name
        tensor.dims = shape.map(Int64.init)
        tensor.dataType = OnnxDataType.float
        if raw {
            tensor.rawData = ArraySlice(values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32($0))) } })
        } else {
            tensor.floatData = values
        }
        graph.initializers.append(tensor)
    }

    mutating func initializer(_ name: String, ints values: [Int64], _ shape: [Int]) {
        var tensor = OnnxTensor()
        tensor.name = name
        tensor.dims = shape.map(Int64.init)
        tensor.dataType = OnnxDataType.int64
        tensor.int64Data = values
        graph.initializers.append(tensor)
    }

    mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [OnnxAttribute] = [], name: String = "") {
        graph.nodes.append(OnnxNode(op, name: name, inputs: inputs, outputs: outputs, attributes: attributes))
    }

    var model: OnnxModel {
        var model = OnnxModel()
        model.irVersion = 8
        model.producerName = "maas-tests"
        model.graph = graph
        model.operatorSets = [.init(domain: "", version: opset)]
        model.metadata = metadata
        return model
    }

    var bytes: [UInt8] { model.serializedBytes() }

    func compile(metadata: [String: String] = [:]) throws -> CompiledModel {
        try ModelCompiler.compile(onnx: bytes, metadata: metadata)
    }

    /// Compiles, serializes and loads the plan from memory.
    func load() throws -> LoadedModel {
        try LoadedModel.load(bytes: try compile().serialized())
    }
}

enum Attribute {
    static func int(_ name: String, _ value: Int) -> OnnxAttribute {
        var a = OnnxAttribute()
        a.name = name
        a.type = OnnxAttribute.Kind.int.rawValue
        a.i = Int64(value)
        return a
    }

    static func ints(_ name: String, _ values: [Int]) -> OnnxAttribute {
        var a = OnnxAttribute()
        a.name = name
        a.type = OnnxAttribute.Kind.ints.rawValue
        a.ints = values.map(Int64.init)
        return a
    }

    static func float(_ name: String, _ value: Float) -> OnnxAttribute {
        var a = OnnxAttribute()
        a.name = name
        a.type = OnnxAttribute.Kind.float.rawValue
        a.f = value
        return a
    }

    static func string(_ name: String, _ value: String) -> OnnxAttribute {
        var a = OnnxAttribute()
        a.name = name
        a.type = OnnxAttribute.Kind.string.rawValue
        a.s = Array(value.utf8)
        return a
    }

    static func tensor(_ name: String, _ tensor: OnnxTensor) -> OnnxAttribute {
        var a = OnnxAttribute()
        a.name = name
        a.type = OnnxAttribute.Kind.tensor.rawValue
        a.t = tensor
        return a
    }
}
