import Glibc
import Testing
import MaaSEngine

@Suite("dense models end to end")
struct DenseModelTests {
    /// x [B, 4] → MatMul W [4, 3] → Add b → Relu → Softmax, computed by hand in Swift.
    func reference(_ x: [Float], batch: Int, w: [Float], b: [Float]) -> [Float] {
        var result: [Float] = []
        for row in 0..<batch {
            var h = (0..<3).map { j in max(0, (0..<4).reduce(b[j]) { $0 + x[row * 4 + $1] * w[$1 * 3 + j] }) }
            let m = h.max()!
            h = h.map { expf($0 - m) }
            let s = h.reduce(0, +)
            result += h.map { $0 / s }
        }
        return result
    }

    @Test("MatMul+Add+Relu+Softmax runs and matches a hand computation at several batch sizes")
    func denseHead() throws {
        let w = pseudoRandom(12, seed: 3), b = pseudoRandom(3, seed: 4)
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, 4])
        builder.initializer("W", w, [4, 3])
        builder.initializer("b", b, [3], raw: true)
        builder.node("MatMul", ["x", "W"], ["h"])
        builder.node("Add", ["h", "b"], ["hb"])
        builder.node("Relu", ["hb"], ["r"])
        builder.node("Softmax", ["r"], ["y"], [Attribute.int("axis", -1)])
        builder.output("y")
        let model = try builder.load()
        #expect(model.inputs == [TensorSignature(name: "x", elementType: .float32, shape: [-1, 4])])
        #expect(model.outputs == [TensorSignature(name: "y", elementType: .float32, shape: [-1, 3])])
        for batch in [1, 2, 5] {
            let x = pseudoRandom(batch * 4, seed: UInt64(batch))
            let y = try model.run(["x": HostTensor(shape: [batch, 4], floats: x)])["y"]!
            #expect(y.shape == [batch, 3])
            #expect(maxAbsDifference(y.floats!, reference(x, batch: batch, w: w, b: b)) < 1e-5)
        }
    }
}

