import ProtoWire

/// Just enough of onnx.proto to write a model, encoded by hand with `ProtoWriter`:
/// ModelProto{ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8, metadata_props 14},
/// GraphProto{node 1, name 2, initializer 5, input 11, output 12},
/// NodeProto{input 1, output 2, name 3, op_type 4, attribute 5},
/// AttributeProto{name 1, i 3, ints 8, type 20}, TensorProto{dims 1, data_type 2, name 8, raw_data 9},
/// ValueInfoProto{name 1, type 2 → TypeProto.tensor_type 1 → {elem_type 1, shape 2 → dim 1 → {dim_value 1, dim_param 2}}}.
enum OnnxWriter {
    enum Dim {
        case value(Int)
        case param(String)
    }

    enum Attribute {
        case int(String, Int)

        func encoded() -> [UInt8] {
            var w = ProtoWriter()
            switch self {
            case .int(let name, let value):
                w.write(1, string: name)
                // `i` is written even when 0: an attribute's value is not optional.
                w.writePresent(3, int64: Int64(value))
                w.write(20, enum: 2)  // AttributeType.INT
            }
            return w.bytes
        }
    }

    static let float: Int32 = 1
    static let int64: Int32 = 7

    static func node(_ opType: String, name: String, inputs: [String], outputs: [String], attributes: [Attribute] = []) -> [UInt8] {
        var w = ProtoWriter()
        w.write(1, strings: inputs)
        w.write(2, strings: outputs)
        w.write(3, string: name)
        w.write(4, string: opType)
        for attribute in attributes { w.writeLengthDelimited(5, attribute.encoded()) }
        return w.bytes
    }

    static func tensor(_ name: String, dims: [Int], floats: [Float]) -> [UInt8] {
        precondition(dims.reduce(1, *) == floats.count, "tensor \(name) has \(floats.count) values for dims \(dims)")
        var raw = [UInt8]()
        raw.reserveCapacity(floats.count * 4)
        for value in floats {
            let bits = value.bitPattern
            for shift in stride(from: 0, to: 32, by: 8) { raw.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
        }
        return tensor(name, dims: dims, type: float, raw: raw)
    }

    static func tensor(_ name: String, dims: [Int], int64s: [Int64]) -> [UInt8] {
        var raw = [UInt8]()
        for value in int64s {
            let bits = UInt64(bitPattern: value)
            for shift in stride(from: 0, to: 64, by: 8) { raw.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        }
        return tensor(name, dims: dims, type: int64, raw: raw)
    }

    private static func tensor(_ name: String, dims: [Int], type: Int32, raw: [UInt8]) -> [UInt8] {
        var w = ProtoWriter()
        w.writePacked(1, int64: dims.map(Int64.init))
        w.write(2, int32: type)
        w.write(8, string: name)
        w.writeLengthDelimited(9, raw)
        return w.bytes
    }

    static func valueInfo(_ name: String, elementType: Int32, shape: [Dim]) -> [UInt8] {
        var shapeWriter = ProtoWriter()
        for dim in shape {
            var d = ProtoWriter()
            switch dim {
            case .value(let value):
                d.writePresent(1, int64: Int64(value))
            case .param(let name):
                d.write(2, string: name)
            }
            shapeWriter.writeLengthDelimited(1, d.bytes)
        }
        var tensorType = ProtoWriter()
        tensorType.write(1, int32: elementType)
        tensorType.writeLengthDelimited(2, shapeWriter.bytes)
        var type = ProtoWriter()
        type.writeLengthDelimited(1, tensorType.bytes)
        var w = ProtoWriter()
        w.write(1, string: name)
        w.writeLengthDelimited(2, type.bytes)
        return w.bytes
    }

    static func graph(name: String, nodes: [[UInt8]], initializers: [[UInt8]], inputs: [[UInt8]], outputs: [[UInt8]]) -> [UInt8] {
        var w = ProtoWriter()
        w.write(1, bytesList: nodes)
        w.write(2, string: name)
        w.write(5, bytesList: initializers)
        w.write(11, bytesList: inputs)
        w.write(12, bytesList: outputs)
        return w.bytes
    }

    static func model(graph: [UInt8], opset: Int, irVersion: Int, producer: String, metadata: [String: String]) -> [UInt8] {
        var w = ProtoWriter()
        w.write(1, int64: Int64(irVersion))
        w.write(2, string: producer)
        w.writeLengthDelimited(7, graph)
        var opsetWriter = ProtoWriter()
        opsetWriter.write(1, string: "")
        opsetWriter.write(2, int64: Int64(opset))
        w.writeLengthDelimited(8, opsetWriter.bytes)
        for key in metadata.keys.sorted() {
            // StringStringEntryProto{key 1, value 2}
            var entry = ProtoWriter()
            entry.write(1, string: key)
            entry.write(2, string: metadata[key]!)
            w.writeLengthDelimited(14, entry.bytes)
        }
        return w.bytes
    }
}
