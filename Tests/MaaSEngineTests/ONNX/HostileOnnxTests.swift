import Testing
import MaaSEngine

/// ONNX bytes are hostile: every malformed input must end in an `EngineError`, never a crash.
@Suite("hostile ONNX bytes")
struct HostileOnnxTests {
    static var valid: [UInt8] {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, -1, 4], names: [1: "time"])
        builder.initializer("W", pseudoRandom(4 * 4 * 3, seed: 9), [1, 12, 4])
        builder.initializer("R", pseudoRandom(1 * 12 * 3, seed: 10), [1, 12, 3])
        builder.node("GRU", ["x", "W", "R"], ["y", "h"], [Attribute.int("hidden_size", 3)], name: "gru")
        builder.node("Softmax", ["h"], ["p"], [Attribute.int("axis", -1)])
        builder.output("p")
        return builder.bytes
    }

    /// Compiling must throw an EngineError or succeed; if it succeeds, the plan must load.
    func survives(_ bytes: [UInt8]) {
        do {
            let compiled = try ModelCompiler.compile(onnx: bytes)
            _ = try LoadedModel.load(bytes: compiled.serialized())
        } catch {
            #expect(error.kind != .internalError, "unexpected internal error: \(error)")
        }
    }

    @Test("malformed byte strings are rejected as invalid models", arguments: [
        ("empty", [] as [UInt8]),
        ("lone key", [0x08]),
        ("11-byte varint", [0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01]),
        ("length beyond the end", [0x3A, 0xFF, 0xFF, 0xFF, 0x7F, 0x00]),
        ("wire type 7", [0x0F, 0x00]),
        ("field number 0", [0x02, 0x00]),
        ("group", [0x3B, 0x3C]),
        ("graph as varint", [0x38, 0x01]),
        ("node with bad UTF-8 op type", [0x3A, 0x06, 0x0A, 0x04, 0x22, 0x02, 0xC3, 0x28]),
    ])
    func malformed(_ name: String, _ bytes: [UInt8]) {
        let error = #expect(throws: EngineError.self) { try ModelCompiler.compile(onnx: bytes) }
        #expect(error?.kind == .invalidModel, "\(name)")
    }

    @Test("a subgraph attribute nested 10 000 deep is skipped, not descended into")
    func deepSubgraphs() throws {
        // AttributeProto.g (6) → GraphProto.node (1) → NodeProto.attribute (5) → AttributeProto.g … 10 000 times.
        var nested: [UInt8] = []
        for _ in 0..<10_000 {
            let attribute = [0x32] + varint(nested.count) + nested
            let node = [0x2A] + varint(attribute.count) + attribute
            nested = [0x0A] + varint(node.count) + node
        }
        var body = OnnxAttribute()
        body.name = "body"
        let attribute = body.serializedBytes() + [0x32] + varint(nested.count) + nested
        let node = OnnxNode("Relu", inputs: ["x"], outputs: ["y"]).serializedBytes() + [0x2A] + varint(attribute.count) + attribute
        var builder = OnnxModelBuilder()
        builder.input("x", [2])
        builder.output("y")
        let graph = builder.graph.serializedBytes() + [0x0A] + varint(node.count) + node
        var model = builder.model
        model.graph = nil
        let bytes = model.serializedBytes() + [0x3A] + varint(graph.count) + graph

        #expect(try OnnxDecoder.decode(bytes).graph?.nodes.first?.attributes.first?.graphCount == 1)
        let plan = try ModelCompiler.compile(onnx: bytes).serialized()
        #expect(try LoadedModel.load(bytes: plan).run(["x": HostTensor(shape: [2], floats: [-1, 1])])["y"]?.floats == [0, 1])
    }

    func varint(_ value: Int) -> [UInt8] {
        var v = UInt64(value)
        var bytes: [UInt8] = []
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
        return bytes
    }

    @Test("absurd attribute and dimension values are refused or fail at run time, never overflow", arguments: [
        "hidden_size", "strides", "pads", "input dimension", "reshape target", "expand target", "constant of shape",
        "slice step", "gather index", "unsqueeze axes",
    ])
    func absurdValues(_ what: String) throws {
        let huge = Int64.max / 3
        var builder = OnnxModelBuilder()
        builder.input("x", what == "input dimension" ? [Int(huge), 2, 4] : [-1, 2, 4])
        switch what {
        case "hidden_size":
            builder.initializer("W", pseudoRandom(12 * 4), [1, 12, 4])
            builder.initializer("R", pseudoRandom(12 * 3), [1, 12, 3])
            builder.node("GRU", ["x", "W", "R"], ["y"], [Attribute.int("hidden_size", Int(huge))])
        case "strides", "pads":
            builder.initializer("W", pseudoRandom(8), [1, 2, 4])
            let attribute = what == "strides" ? Attribute.ints("strides", [Int(huge)]) : Attribute.ints("pads", [Int(huge), Int(huge)])
            builder.node("Conv", ["x", "W"], ["y"], [attribute])
        case "input dimension":
            builder.node("Relu", ["x"], ["y"])
        case "reshape target":
            builder.initializer("shape", ints: [huge, huge, -1], [3])
            builder.node("Reshape", ["x", "shape"], ["y"])
        case "expand target":
            builder.initializer("shape", ints: [huge, huge, 2, 4], [4])
            builder.node("Expand", ["x", "shape"], ["y"])
        case "constant of shape":
            builder.initializer("shape", ints: [huge, huge], [2])
            builder.node("ConstantOfShape", ["shape"], ["c"])
            builder.node("Add", ["x", "c"], ["y"])
        case "slice step":
            builder.initializer("s", ints: [Int64.min], [1])
            builder.initializer("e", ints: [Int64.max], [1])
            builder.initializer("a", ints: [2], [1])
            builder.initializer("st", ints: [Int64.min], [1])
            builder.node("Slice", ["x", "s", "e", "a", "st"], ["y"])
        case "gather index":
            builder.initializer("i", ints: [Int64.min], [])
            builder.node("Gather", ["x", "i"], ["y"], [Attribute.int("axis", 1)])
        default:
            builder.initializer("axes", ints: [huge], [1])
            builder.node("Unsqueeze", ["x", "axes"], ["y"])
        }
        builder.output("y")
        do {
            let model = try builder.load()
            _ = try model.run(["x": HostTensor(shape: [1, 2, 4], floats: pseudoRandom(8))])
        } catch let error as EngineError {
            #expect(error.kind != .internalError, "\(what): \(error)")
        }
    }

    @Test("every truncation of a valid model is rejected without a crash")
    func truncations() {
        let bytes = Self.valid
        for length in 0..<bytes.count {
            survives(Array(bytes[..<length]))
        }
    }

    @Test("seeded random byte flips never crash the decoder or the compiler")
    func mutations() {
        let bytes = Self.valid
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(Int.max))
        }
        for _ in 0..<2000 {
            var mutated = bytes
            for _ in 0..<(1 + next() % 4) {
                mutated[next() % mutated.count] = UInt8(truncatingIfNeeded: next())
            }
            survives(mutated)
        }
    }

    /// What compiling gave: the plan file, or the error.
    enum Outcome: Equatable {
        case plan([UInt8])
        case failure(EngineError.Kind, String)
    }

    static func outcome(_ compile: () throws(EngineError) -> CompiledModel) -> Outcome {
        do {
            return .plan(try compile().serialized())
        } catch {
            return .failure(error.kind, error.message)
        }
    }

    @Test("a truncated or damaged model file fails exactly as its bytes do: lengths are checked against the mapping")
    func damagedFiles() throws {
        let valid = Self.valid
        var state: UInt64 = 0x5DEE_CE66_D1CE_4E5B
        func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(Int.max))
        }
        var inputs = stride(from: 1, through: valid.count, by: 3).map { Array(valid[..<$0]) }
        for _ in 0..<300 {
            var mutated = valid
            for _ in 0..<(1 + next() % 4) { mutated[next() % mutated.count] = UInt8(truncatingIfNeeded: next()) }
            inputs.append(mutated)
        }
        let file = TemporaryPath("damaged.onnx")
        for bytes in inputs {
            try CompiledModel.writeRaw(bytes, to: file.path)
            let fromFile = Self.outcome { () throws(EngineError) in try ModelCompiler.compile(onnxFileAt: file.path) }
            #expect(fromFile == Self.outcome { () throws(EngineError) in try ModelCompiler.compile(onnx: bytes) })
        }
    }
}
