import MaaSEngine
import Testing

@testable import MaaSServer

@Suite("BatchTensors")
struct BatchTensorsTests {
    /// A tensor whose values say where they are, so a misplaced value is visible.
    private func numbered(_ shape: [Int], base: Float) -> HostTensor {
        let count = shape.reduce(1, *)
        return HostTensor(shape: shape, floats: (0..<count).map { base + Float($0) })
    }

    @Test("joins along any axis and splits back to the same parts", arguments: [
        ([3, 1, 2], 1), ([1, 3, 2], 0), ([4, 2], 0), ([2, 3], 1), ([5, 1, 1, 3], 1), ([2, 1, 0], 1),
    ])
    func roundTrip(shape: [Int], axis: Int) {
        var parts: [HostTensor] = []
        for (index, rows) in [1, 2, 1].enumerated() {
            var partShape = shape
            partShape[axis] = rows
            parts.append(numbered(partShape, base: Float(index * 1000)))
        }
        let joined = BatchTensors.join(parts, axis: axis)
        #expect(joined.shape[axis] == 4)
        #expect(joined.storedCount == parts.reduce(0) { $0 + $1.storedCount })
        #expect(BatchTensors.split(joined, axis: axis, rows: [1, 2, 1]) == parts)
    }

    @Test("puts each part's rows next to each other within every outer block, as a batched model sees them")
    func layout() {
        // Two time-major [T=2, B=1, F=2] parts: time step t of the joined [2, 2, 2] holds part 0 then part 1.
        let a = HostTensor(shape: [2, 1, 2], floats: [1, 2, 3, 4])
        let b = HostTensor(shape: [2, 1, 2], floats: [10, 20, 30, 40])
        let joined = BatchTensors.join([a, b], axis: 1)
        #expect(joined == HostTensor(shape: [2, 2, 2], floats: [1, 2, 10, 20, 3, 4, 30, 40]))
    }

    @Test("joins int64 tensors too")
    func int64() {
        let a = HostTensor(shape: [1, 2], int64s: [1, 2])
        let b = HostTensor(shape: [1, 2], int64s: [3, 4])
        #expect(BatchTensors.join([a, b], axis: 0) == HostTensor(shape: [2, 2], int64s: [1, 2, 3, 4]))
    }
}
