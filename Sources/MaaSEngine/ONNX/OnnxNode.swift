import ProtoWire

/// `onnx.NodeProto`: one operator application. An empty input name marks an omitted optional input.
package struct OnnxNode: ProtoMessage, Equatable {
    package var inputs: [String] = []
    package var outputs: [String] = []
    package var name = ""
    package var opType = ""
    package var domain = ""
    package var attributes: [OnnxAttribute] = []

    package init() {}

    package init(_ opType: String, name: String = "", inputs: [String], outputs: [String], attributes: [OnnxAttribute] = []) {
        self.opType = opType
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    package static let protoMessageName = "NodeProto"
    package static let protoFieldNames: [Int: String] = [
        1: "input", 2: "output", 3: "name", 4: "op_type", 5: "attribute", 7: "domain",
    ]

    package mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: inputs.append(try reader.readString(field))
        case 2: outputs.append(try reader.readString(field))
        case 3: name = try reader.readString(field)
        case 4: opType = try reader.readString(field)
        case 5: attributes.append(try OnnxAttribute.decodeEmbedded(field, from: &reader))
        case 7: domain = try reader.readString(field)
        default: return false
        }
        return true
    }

    package func encode(to writer: inout ProtoWriter) {
        for input in inputs { writer.writeLengthDelimited(1, Array(input.utf8)) }
        for output in outputs { writer.writeLengthDelimited(2, Array(output.utf8)) }
        writer.write(3, string: name)
        writer.write(4, string: opType)
        writer.write(5, messages: attributes)
        writer.write(7, string: domain)
    }

    /// How errors name this node: its name if it has one, else its first output.
    package var displayName: String {
        if !name.isEmpty { return "\(opType) node '\(name)'" }
        if let first = outputs.first, !first.isEmpty { return "\(opType) node producing '\(first)'" }
        return "\(opType) node"
    }
}
