import ProtoWire

/// `onnx.GraphProto`: nodes, initializers, and the declared inputs and outputs.
package struct OnnxGraph: ProtoMessage, Equatable {
    package var name = ""
    package var nodes: [OnnxNode] = []
    package var initializers: [OnnxTensor] = []
    package var sparseInitializerCount = 0
    package var inputs: [OnnxValueInfo] = []
    package var outputs: [OnnxValueInfo] = []
    package var valueInfo: [OnnxValueInfo] = []

    package init() {}

    package static let protoMessageName = "GraphProto"
    package static let protoFieldNames: [Int: String] = [
        1: "node", 2: "name", 5: "initializer", 11: "input", 12: "output", 13: "value_info", 15: "sparse_initializer",
    ]

    package mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: nodes.append(try OnnxNode.decodeEmbedded(field, from: &reader))
        case 2: name = try reader.readString(field)
        case 5: initializers.append(try OnnxTensor.decodeEmbedded(field, from: &reader))
        case 11: inputs.append(try OnnxValueInfo.decodeEmbedded(field, from: &reader))
        case 12: outputs.append(try OnnxValueInfo.decodeEmbedded(field, from: &reader))
        case 13: valueInfo.append(try OnnxValueInfo.decodeEmbedded(field, from: &reader))
        case 15: try reader.skip(field); sparseInitializerCount += 1
        default: return false
        }
        return true
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.write(1, messages: nodes)
        writer.write(2, string: name)
        writer.write(5, messages: initializers)
        writer.write(11, messages: inputs)
        writer.write(12, messages: outputs)
        writer.write(13, messages: valueInfo)
    }
}
