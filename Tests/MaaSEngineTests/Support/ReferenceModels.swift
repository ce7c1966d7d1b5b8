import MaaSEngine

/// Small models shared by plan and runtime tests.
enum ReferenceModels {
    /// [T, B, 4] → LSTM 6 → per-frame Dense 3 + bias → Softmax: every storage kind (input, constant, computed,
    /// alias) and a dynamic dim program.
    static var speechLike: OnnxModelBuilder {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, -1, 4], names: [0: "time"])
        builder.initializer("W", pseudoRandom(24 * 4, seed: 21, scale: 0.5), [1, 24, 4])
        builder.initializer("R", pseudoRandom(24 * 6, seed: 22, scale: 0.5), [1, 24, 6])
        builder.initializer("B", pseudoRandom(48, seed: 23, scale: 0.1), [1, 48])
        builder.initializer("D", pseudoRandom(18, seed: 24), [6, 3])
        builder.initializer("d", pseudoRandom(3, seed: 25), [3])
        builder.initializer("axes", ints: [1], [1])
        builder.node("LSTM", ["x", "W", "R", "B"], ["y"], [Attribute.int("hidden_size", 6)], name: "lstm")
        builder.node("Squeeze", ["y", "axes"], ["frames"])
        builder.node("MatMul", ["frames", "D"], ["logits0"])
        builder.node("Add", ["logits0", "d"], ["logits"])
        builder.node("Softmax", ["logits"], ["p"], [Attribute.int("axis", -1)])
        builder.output("p")
        return builder
    }

    static func input(time: Int, batch: Int, seed: UInt64 = 7) -> [String: HostTensor] {
        ["x": HostTensor(shape: [time, batch, 4], floats: pseudoRandom(time * batch * 4, seed: seed))]
    }
}
