import Testing
import MaaSEngine

/// Edge cases of the light ops, several of them found by fuzzing and kept so they stay fixed.
@Suite("op edge cases")
struct OpEdgeCaseTests {
    func run(_ build: (inout OnnxModelBuilder) -> Void, _ x: HostTensor) throws -> HostTensor {
        var builder = OnnxModelBuilder()
        builder.input("x", x.shape.map { _ in -1 })
        build(&builder)
        builder.output("y", type: x.elementType == .float32 ? OnnxDataType.float : OnnxDataType.int64)
        return try builder.load().run(["x": x])["y"]!
    }

    @Test("a slice whose step is far larger than its axis keeps one element (fuzz finding: stride overflow)")
    func hugeSliceStep() throws {
        let y = try run({ builder in
            builder.initializer("starts", ints: [1], [1])
            builder.initializer("ends", ints: [Int64.max], [1])
            builder.initializer("axes", ints: [2], [1])
            builder.initializer("steps", ints: [Int64.max / 2], [1])
            builder.node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])
        }, HostTensor(shape: [1, 2, 4], floats: [0, 1, 2, 3, 4, 5, 6, 7]))
        #expect(y.shape == [1, 2, 1])
        #expect(y.floats == [1, 5])
    }

    @Test("negative steps walk an axis backwards, clamped like ONNX Runtime")
    func reverseSlice() throws {
        let y = try run({ builder in
            builder.initializer("starts", ints: [-1], [1])
            builder.initializer("ends", ints: [Int64.min], [1])
            builder.initializer("axes", ints: [1], [1])
            builder.initializer("steps", ints: [-2], [1])
            builder.node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])
        }, HostTensor(shape: [1, 5], floats: [0, 1, 2, 3, 4]))
        #expect(y.floats == [4, 2, 0])
    }

    @Test("Gather rejects an index outside the axis at run time")
    func gatherOutOfRange() throws {
        var builder = OnnxModelBuilder()
        builder.input("x", [-1, 3])
        builder.input("i", [1], type: OnnxDataType.int64)
        builder.node("Gather", ["x", "i"], ["y"], [Attribute.int("axis", 1)])
        builder.output("y")
        let model = try builder.load()
        let x = HostTensor(shape: [1, 3], floats: [7, 8, 9])
        #expect(try model.run(["x": x, "i": HostTensor(shape: [1], int64s: [-1])])["y"]?.floats == [9])
        let error = #expect(throws: EngineError.self) { try model.run(["x": x, "i": HostTensor(shape: [1], int64s: [3])]) }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message.contains("index 3 is out of range") == true)
    }

    @Test("integer division by zero is an error, not a trap")
    func integerDivisionByZero() throws {
        var builder = OnnxModelBuilder()
        builder.input("a", [2], type: OnnxDataType.int64)
        builder.input("b", [2], type: OnnxDataType.int64)
        builder.node("Div", ["a", "b"], ["y"])
        builder.output("y", type: OnnxDataType.int64)
        let model = try builder.load()
        #expect(try model.run(["a": HostTensor(shape: [2], int64s: [7, -7]), "b": HostTensor(shape: [2], int64s: [2, 2])])["y"]?.int64s == [3, -3])
        let error = #expect(throws: EngineError.self) {
            try model.run(["a": HostTensor(shape: [2], int64s: [1, 1]), "b": HostTensor(shape: [2], int64s: [1, 0])])
        }
        #expect(error?.kind == .invalidInput)
    }

    @Test("Cast of NaN and out-of-range floats to int64 saturates instead of trapping")
    func castSaturates() throws {
        let y = try run({ builder in
            builder.node("Cast", ["x"], ["y"], [Attribute.int("to", Int(OnnxDataType.int64))])
        }, HostTensor(shape: [4], floats: [.nan, 1e30, -1e30, -2.7]))
        #expect(y.int64s == [0, .max, .min, -2])
    }
}
