import ProtoWire

/// `onnx.ValueInfoProto` flattened with its `TypeProto.Tensor` and `TensorShapeProto`:
/// what a graph input or output declares about its type and shape.
package struct OnnxValueInfo: ProtoMessage, Equatable {
    /// One `TensorShapeProto.Dimension`: a number, a named parameter (`batch`, `time`), or unknown.
    package enum Dim: Sendable, Equatable {
        case value(Int64)
        case param(String)
        case unknown
    }

    package var name = ""
    /// False when the type is a sequence, map, optional or sparse tensor.
    package var isTensor = true
    package var hasType = false
    package var elemType: Int32 = 0
    /// nil when the shape is not given at all (unknown rank).
    package var shape: [Dim]? = nil

    package init() {}

    package init(name: String, elemType: Int32, shape: [Dim]?) {
        self.name = name
        self.hasType = true
        self.elemType = elemType
        self.shape = shape
    }

    package static let protoMessageName = "ValueInfoProto"
    package static let protoFieldNames: [Int: String] = [1: "name", 2: "type"]

    package mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: name = try reader.readString(field)
        case 2:
            hasType = true
            var type = try reader.readMessage(field)
            try decodeType(&type)
        default: return false
        }
        return true
    }

    /// `TypeProto`: only `tensor_type` (1) is a tensor; any other member makes this value a non-tensor.
    private mutating func decodeType(_ reader: inout ProtoReader) throws(ProtoDecodingError) {
        while let field = try reader.nextField() {
            switch field.number {
            case 1:
                var tensor = try reader.readMessage(field)
                while let inner = try tensor.nextField() {
                    switch inner.number {
                    case 1: elemType = try tensor.readInt32(inner)
                    case 2:
                        var shapeReader = try tensor.readMessage(inner)
                        shape = try Self.decodeShape(&shapeReader)
                    default: try tensor.skip(inner)
                    }
                }
            case 4, 5, 7, 8, 9:
                isTensor = false
                try reader.skip(field)
            default:
                try reader.skip(field)
            }
        }
    }

    private static func decodeShape(_ reader: inout ProtoReader) throws(ProtoDecodingError) -> [Dim] {
        var dims: [Dim] = []
        while let field = try reader.nextField() {
            guard field.number == 1 else {
                try reader.skip(field)
                continue
            }
            var dimReader = try reader.readMessage(field)
            var dim = Dim.unknown
            while let inner = try dimReader.nextField() {
                switch inner.number {
                case 1: dim = .value(try dimReader.readInt64(inner))
                case 2: dim = .param(try dimReader.readString(inner))
                default: try dimReader.skip(inner)
                }
            }
            dims.append(dim)
        }
        return dims
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.write(1, string: name)
        guard hasType else { return }
        var tensor = ProtoWriter()
        tensor.write(1, int32: elemType)
        if let shape {
            var shapeWriter = ProtoWriter()
            for dim in shape {
                var dimWriter = ProtoWriter()
                switch dim {
                case .value(let value): dimWriter.writePresent(1, int64: value)
                case .param(let name): dimWriter.write(2, string: name)
                case .unknown: break
                }
                shapeWriter.writeLengthDelimited(1, dimWriter.bytes)
            }
            tensor.writeLengthDelimited(2, shapeWriter.bytes)
        }
        var type = ProtoWriter()
        type.writeLengthDelimited(1, tensor.bytes)
        writer.writeLengthDelimited(2, type.bytes)
    }
}
