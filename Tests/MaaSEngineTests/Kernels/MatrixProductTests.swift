import Testing
@testable import MaaSEngine

@Suite("Matrix product")
struct MatrixProductTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        let m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool
        var testDescription: String { "\(m)×\(k)·\(k)×\(n) tA=\(transposeA) tB=\(transposeB)" }
    }

    /// Every BLAS route: sgemv for one row, sgemv for one column, sgemm otherwise, each with transposes.
    static let shapes: [Shape] = [1, 5].flatMap { m in
        [1, 4].flatMap { n in
            [false, true].flatMap { ta in [false, true].map { tb in Shape(m: m, n: n, k: 3, transposeA: ta, transposeB: tb) } }
        }
    }

    @Test("agrees with the definition", arguments: shapes)
    func agreesWithDefinition(shape: Shape) {
        let m = shape.m, n = shape.n, k = shape.k
        let a = deterministicValues(count: m * k, seed: 11), b = deterministicValues(count: k * n, seed: 12)
        let start = deterministicValues(count: m * n, seed: 13)
        var c = start
        MatrixProduct.multiply(
            a: a, b: b, c: &c,
            dims: .init(m: m, n: n, k: k, transposeA: shape.transposeA, transposeB: shape.transposeB),
            alpha: 2, beta: 0.5)
        var expected = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let left = shape.transposeA ? a[p * m + i] : a[i * k + p]
                    let right = shape.transposeB ? b[j * k + p] : b[p * n + j]
                    sum += left * right
                }
                expected[i * n + j] = 2 * sum + 0.5 * start[i * n + j]
            }
        }
        #expect(maxAbsoluteDifference(c, expected) <= 1e-6)
    }

    @Test("an empty inner dimension leaves beta times C")
    func emptyInnerDimension() {
        var c: [Float] = [1, 2, 3, 4]
        MatrixProduct.multiply(a: [0], b: [0], c: &c, dims: .init(m: 2, n: 2, k: 0), alpha: 1, beta: 3)
        #expect(c == [3, 6, 9, 12])
        MatrixProduct.multiply(a: [0], b: [0], c: &c, dims: .init(m: 2, n: 2, k: 0))
        #expect(c == [0, 0, 0, 0])
    }

    @Test("an explicit output stride leaves the other columns alone")
    func outputStride() {
        var c = [Float](repeating: -1, count: 2 * 5)
        MatrixProduct.multiply(a: [1, 2, 3, 4], b: [1, 0, 0, 1, 1, 1], c: &c, dims: .init(m: 2, n: 3, k: 2, ldc: 5))
        #expect(c == [3, 2, 2, -1, -1, 7, 4, 4, -1, -1])
    }
}
