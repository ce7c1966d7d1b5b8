import ProtoWire

/// `onnx.ModelProto`: the graph plus the operator sets it was written against.
package struct OnnxModel: ProtoMessage, Equatable {
    /// `OperatorSetIdProto`: a domain ("" or "ai.onnx" is the default one) and its version.
    package struct OperatorSet: Sendable, Equatable {
        package var domain: String
        package var version: Int64

        package init(domain: String, version: Int64) {
            self.domain = domain
            self.version = version
        }

        package var isDefaultDomain: Bool { domain.isEmpty || domain == "ai.onnx" }
    }

    package var irVersion: Int64 = 0
    package var producerName = ""
    package var producerVersion = ""
    package var graph: OnnxGraph? = nil
    package var operatorSets: [OperatorSet] = []
    package var metadata: [String: String] = [:]
    package var functionCount = 0

    package init() {}

    package static let protoMessageName = "ModelProto"
    package static let protoFieldNames: [Int: String] = [
        1: "ir_version", 2: "producer_name", 3: "producer_version", 7: "graph", 8: "opset_import",
        14: "metadata_props", 25: "functions",
    ]

    package mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: irVersion = try reader.readInt64(field)
        case 2: producerName = try reader.readString(field)
        case 3: producerVersion = try reader.readString(field)
        case 7: graph = try OnnxGraph.decodeEmbedded(field, from: &reader)
        case 8:
            var set = try reader.readMessage(field)
            var domain = ""
            var version: Int64 = 0
            while let inner = try set.nextField() {
                switch inner.number {
                case 1: domain = try set.readString(inner)
                case 2: version = try set.readInt64(inner)
                default: try set.skip(inner)
                }
            }
            operatorSets.append(OperatorSet(domain: domain, version: version))
        case 14:
            let entry = try reader.readStringMapEntry(field)
            metadata[entry.key] = entry.value
        case 25: try reader.skip(field); functionCount += 1
        default: return false
        }
        return true
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.write(1, int64: irVersion)
        writer.write(2, string: producerName)
        writer.write(3, string: producerVersion)
        if let graph { writer.writeMessage(7, graph) }
        for set in operatorSets {
            var inner = ProtoWriter()
            inner.write(1, string: set.domain)
            inner.write(2, int64: set.version)
            writer.writeLengthDelimited(8, inner.bytes)
        }
        for key in metadata.keys.sorted() {
            var entry = ProtoWriter()
            entry.write(1, string: key)
            entry.write(2, string: metadata[key]!)
            writer.writeLengthDelimited(14, entry.bytes)
        }
    }

    /// Version of the default (`ai.onnx`) operator set, if imported.
    package var defaultOpsetVersion: Int64? {
        operatorSets.last(where: \.isDefaultDomain)?.version
    }
}
