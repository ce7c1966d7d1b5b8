import ProtoWire

/// `onnx.AttributeProto`. Graph-valued attributes (If/Loop bodies) are only counted: no supported operator
/// takes one, and skipping them keeps a hostile nesting of subgraphs from costing anything.
package struct OnnxAttribute: ProtoMessage, Equatable {
    /// `AttributeProto.AttributeType` codes.
    package enum Kind: Int32, Sendable {
        case undefined = 0, float = 1, int = 2, string = 3, tensor = 4, graph = 5
        case floats = 6, ints = 7, strings = 8, tensors = 9, graphs = 10
        case sparseTensor = 11, sparseTensors = 12, typeProto = 13, typeProtos = 14
    }

    package var name = ""
    package var type: Int32 = 0
    package var f: Float = 0
    package var i: Int64 = 0
    package var s: [UInt8] = []
    package var t: OnnxTensor? = nil
    package var floats: [Float] = []
    package var ints: [Int64] = []
    package var strings: [[UInt8]] = []
    package var tensors: [OnnxTensor] = []
    package var graphCount = 0
    package var refAttrName = ""

    package init() {}

    package static let protoMessageName = "AttributeProto"
    package static let protoFieldNames: [Int: String] = [
        1: "name", 2: "f", 3: "i", 4: "s", 5: "t", 6: "g", 7: "floats", 8: "ints", 9: "strings", 10: "tensors",
        11: "graphs", 20: "type", 21: "ref_attr_name",
    ]

    package var kind: Kind? { Kind(rawValue: type) }

    package mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: name = try reader.readString(field)
        case 2: f = try reader.readFloat(field)
        case 3: i = try reader.readInt64(field)
        case 4: s = try reader.readBytes(field)
        case 5: t = try OnnxTensor.decodeEmbedded(field, from: &reader)
        case 6, 11: try reader.skip(field); graphCount += 1
        case 7: try reader.readRepeatedFloat(field, into: &floats)
        case 8: try reader.readRepeatedInt64(field, into: &ints)
        case 9: strings.append(try reader.readBytes(field))
        case 10: tensors.append(try OnnxTensor.decodeEmbedded(field, from: &reader))
        case 20: type = try reader.readEnum(field)
        case 21: refAttrName = try reader.readString(field)
        default: return false
        }
        return true
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.write(1, string: name)
        writer.write(2, float: f)
        writer.write(3, int64: i)
        writer.write(4, bytes: s)
        if let t { writer.writeMessage(5, t) }
        writer.writePacked(7, float: floats)
        writer.writePacked(8, int64: ints)
        for string in strings { writer.writeLengthDelimited(9, string) }
        writer.write(10, messages: tensors)
        writer.write(20, enum: type)
        writer.write(21, string: refAttrName)
    }
}
