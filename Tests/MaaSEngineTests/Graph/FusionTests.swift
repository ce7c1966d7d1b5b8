import Testing
import MaaSEngine

@Suite("fusion")
struct FusionTests {
    @Test("MatMul + Add(bias) + Relu become one dense op with bias and activation")
    func denseBiasActivation() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, -1, 3])
        builder.initializer("W", pseudoRandom(6, seed: 2), [3, 2])
        builder.initializer("b", [0.5, -0.5], [1, 2])
        builder.node("MatMul", ["x", "W"], ["h"])
        builder.node("Add", ["b", "h"], ["hb"])
        builder.node("Relu", ["hb"], ["y"])
        builder.output("y")
        let compiled = try builder.compile()
        #expect(compiled.opNames == ["Dense"])
        guard case .dense(.relu) = compiled.plan.ops[0].kind else {
            Issue.record("expected a dense op with a fused Relu, got \(compiled.plan.ops[0].kind)")
            return
        }
        #expect(compiled.plan.ops[0].input(2) != nil)
        let x = pseudoRandom(2 * 3 * 3, seed: 5)
        let y = try LoadedModel.load(bytes: compiled.serialized()).run(["x": HostTensor(shape: [2, 3, 3], floats: x)])["y"]!
        let w = pseudoRandom(6, seed: 2)
        let bias: [Float] = [0.5, -0.5]
        var expected: [Float] = []
        for row in 0..<6 {
            for j in 0..<2 {
                var sum = bias[j]
                for k in 0..<3 { sum += x[row * 3 + k] * w[k * 2 + j] }
                expected.append(max(0, sum))
            }
        }
        #expect(maxAbsDifference(y.floats!, expected) < 1e-6)
    }

    @Test("the product is not fused away when it is itself a graph output")
    func sharedProduct() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, 3])
        builder.initializer("W", pseudoRandom(6), [3, 2])
        builder.initializer("b", [1, 2], [2])
        builder.node("MatMul", ["x", "W"], ["h"])
        builder.node("Add", ["h", "b"], ["y"])
        builder.output("h")
        builder.output("y")
        let compiled = try builder.compile()
        #expect(compiled.opNames == ["Dense", "Add"])
        let out = try LoadedModel.load(bytes: compiled.serialized()).run(["x": HostTensor(shape: [1, 3], floats: [1, 2, 3])])
        #expect(maxAbsDifference(out["y"]!.floats!, zip(out["h"]!.floats!, [1, 2]).map { $0 + $1 }) < 1e-6)
    }

    @Test("Gemm with constant transposed weights and a bias becomes a dense op")
    func gemmToDense() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, 3])
        builder.initializer("W", [1, 0, 0, 0, 1, 0], [2, 3])
        builder.initializer("c", [10, 20], [2])
        builder.node("Gemm", ["x", "W", "c"], ["y"], [Attribute.int("transB", 1), Attribute.float("alpha", 2), Attribute.float("beta", 0.5)])
        builder.output("y")
        let compiled = try builder.compile()
        #expect(compiled.opNames == ["Dense"])
        let y = try LoadedModel.load(bytes: compiled.serialized()).run(["x": HostTensor(shape: [1, 3], floats: [1, 2, 3])])["y"]
        #expect(y?.floats == [2 * 1 + 5, 2 * 2 + 10])
    }

    @Test("Conv followed by its only reader, a Relu, computes the Relu in the same op")
    func convActivation() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, 1, -1])
        builder.initializer("W", [1, -1], [1, 1, 2])
        builder.node("Conv", ["x", "W"], ["c"])
        builder.node("Relu", ["c"], ["y"])
        builder.output("y")
        let compiled = try builder.compile()
        #expect(compiled.opNames == ["Conv"])
        let y = try LoadedModel.load(bytes: compiled.serialized()).run(["x": HostTensor(shape: [1, 1, 4], floats: [1, 3, 2, 5])])["y"]
        #expect(y?.floats == [0, 1, 0])
    }

    @Test("Conv → BatchNormalization → Relu becomes one conv op with folded weights")
    func convBatchNorm() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, 1, -1])
        builder.initializer("W", [1, -1, 2, 1], [2, 1, 2])
        builder.initializer("b", [0.5, -0.5], [2])
        builder.initializer("scale", [2, 1], [2])
        builder.initializer("shift", [0, 1], [2])
        builder.initializer("mean", [1, 0], [2])
        builder.initializer("var", [3, 0], [2])
        builder.node("Conv", ["x", "W", "b"], ["c"])
        builder.node("BatchNormalization", ["c", "scale", "shift", "mean", "var"], ["n"], [Attribute.float("epsilon", 1)])
        builder.node("Relu", ["n"], ["y"])
        builder.output("y")
        let compiled = try builder.compile()
        #expect(compiled.opNames == ["Conv"])
        let y = try LoadedModel.load(bytes: compiled.serialized()).run(["x": HostTensor(shape: [1, 1, 3], floats: [1, 3, 2])])["y"]!
        // Channel 0: conv = x0 - x1 + 0.5 → (conv - 1)·2/√4 + 0; channel 1: conv = 2·x0 + x1 - 0.5 → conv·1/√1 + 1.
        let expected: [Float] = [max(0, (1 - 3 + 0.5 - 1)), max(0, (3 - 2 + 0.5 - 1)), 2 + 3 - 0.5 + 1, 6 + 2 - 0.5 + 1]
        #expect(maxAbsDifference(y.floats!, expected) < 1e-6)
    }

    @Test("ops no output depends on are removed, and unused recurrent outputs are not computed")
    func deadCode() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, -1, 2])
        builder.initializer("W", pseudoRandom(8 * 2), [1, 8, 2])
        builder.initializer("R", pseudoRandom(8 * 2), [1, 8, 2])
        builder.node("LSTM", ["x", "W", "R"], ["y", "h", "c"], [Attribute.int("hidden_size", 2)])
        builder.node("Relu", ["y"], ["unused"])
        builder.output("h")
        let compiled = try builder.compile()
        #expect(compiled.opNames == ["LSTM"])
        #expect(compiled.plan.ops[0].outputs.compactMap { $0 }.count == 1)
    }
}
