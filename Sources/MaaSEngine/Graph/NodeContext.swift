/// One ONNX node being lowered: typed access to its attributes, and errors that name it.
package struct NodeContext: Sendable {
    package let node: OnnxNode
    package let opset: Int

    package init(_ node: OnnxNode, opset: Int) {
        self.node = node
        self.opset = opset
    }

    package var name: String { node.displayName }
    package var op: String { node.opType }

    package func invalid(_ message: String) -> EngineError {
        EngineError.invalidModel("\(name): \(message)")
    }

    package func unsupported(_ message: String) -> EngineError {
        EngineError.unsupported("\(name): \(message)")
    }

    package func attribute(_ name: String) -> OnnxAttribute? {
        node.attributes.last { $0.name == name }
    }

    private func typed(_ name: String, _ kind: OnnxAttribute.Kind) throws(EngineError) -> OnnxAttribute? {
        guard let attribute = attribute(name) else { return nil }
        // Producers before IR 0.0.2 left `type` unset; accept that when the matching field holds the value.
        if attribute.type != 0 && attribute.kind != kind {
            throw invalid("attribute '\(name)' has type \(attribute.type), expected \(kind)")
        }
        return attribute
    }

    package func int(_ name: String, default value: Int) throws(EngineError) -> Int {
        guard let attribute = try typed(name, .int) else { return value }
        guard let result = Int(exactly: attribute.i) else { throw invalid("attribute '\(name)' is out of range") }
        return result
    }

    package func int(_ name: String) throws(EngineError) -> Int? {
        guard attribute(name) != nil else { return nil }
        return try int(name, default: 0)
    }

    package func ints(_ name: String) throws(EngineError) -> [Int]? {
        guard let attribute = try typed(name, .ints) else { return nil }
        return attribute.ints.map { Int(truncatingIfNeeded: $0) }
    }

    package func float(_ name: String, default value: Float) throws(EngineError) -> Float {
        guard let attribute = try typed(name, .float) else { return value }
        return attribute.f
    }

    package func float(_ name: String) throws(EngineError) -> Float? {
        guard attribute(name) != nil else { return nil }
        return try float(name, default: 0)
    }

    package func string(_ name: String, default value: String) throws(EngineError) -> String {
        guard let attribute = try typed(name, .string) else { return value }
        return String(decoding: attribute.s, as: UTF8.self)
    }

    package func strings(_ name: String) throws(EngineError) -> [String]? {
        guard let attribute = try typed(name, .strings) else { return nil }
        return attribute.strings.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Normalises a possibly negative axis against `rank`.
    package func axis(_ axis: Int, rank: Int, what: String = "axis") throws(EngineError) -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0, normalized < rank else {
            throw invalid("\(what) \(axis) is out of range for rank \(rank)")
        }
        return normalized
    }

    /// Output name at `position`, or nil when absent or empty (an unused optional output).
    package func output(_ position: Int) -> String? {
        position < node.outputs.count && !node.outputs[position].isEmpty ? node.outputs[position] : nil
    }
}
