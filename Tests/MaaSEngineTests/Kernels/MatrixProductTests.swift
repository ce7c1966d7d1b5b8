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

    struct RouteCase: Sendable, CustomTestStringConvertible {
        let m: Int, n: Int, k: Int, transposeB: Bool, smallKernels: Bool, threads: Int
        let expected: MatrixProduct.Route
        var testDescription: String { "\(m)×\(k)·\(k)×\(n) tB=\(transposeB) small=\(smallKernels) threads=\(threads)" }
    }

    /// The measured cases in MatrixProduct's comment, and the guards around them.
    static let routes: [RouteCase] = [
        RouteCase(m: 1, n: 512, k: 128, transposeB: false, smallKernels: false, threads: 1, expected: .rowVector),
        RouteCase(m: 1, n: 512, k: 128, transposeB: false, smallKernels: true, threads: 1, expected: .single),
        RouteCase(m: 1, n: 512, k: 128, transposeB: true, smallKernels: true, threads: 1, expected: .rowVector),
        RouteCase(m: 1, n: 2048, k: 1024, transposeB: false, smallKernels: true, threads: 1, expected: .rowVector),
        RouteCase(m: 3200, n: 1, k: 64, transposeB: false, smallKernels: true, threads: 1, expected: .columnVector),
        // The reference model's input projection and dense layers at T = 100, B = 32.
        RouteCase(m: 3200, n: 512, k: 20, transposeB: false, smallKernels: true, threads: 1, expected: .rowBlocks(97, slices: 1)),
        RouteCase(m: 3200, n: 64, k: 128, transposeB: false, smallKernels: true, threads: 1, expected: .rowBlocks(122, slices: 1)),
        RouteCase(m: 3200, n: 10, k: 64, transposeB: false, smallKernels: true, threads: 1, expected: .rowBlocks(1562, slices: 1)),
        RouteCase(m: 3200, n: 512, k: 20, transposeB: false, smallKernels: false, threads: 1, expected: .single),
        RouteCase(m: 3200, n: 512, k: 20, transposeB: false, smallKernels: true, threads: 2,
                  expected: .rowBlocks(97, slices: 2)),
        RouteCase(m: 3200, n: 10, k: 64, transposeB: false, smallKernels: true, threads: 4,
                  expected: .rowBlocks(1562, slices: 3)),
        RouteCase(m: 3200, n: 512, k: 20, transposeB: true, smallKernels: true, threads: 1, expected: .single),
        // Blocks of fewer than 32 rows lose to the packed path; products under the bound are one call already.
        RouteCase(m: 3200, n: 256, k: 256, transposeB: false, smallKernels: true, threads: 1, expected: .single),
        RouteCase(m: 44, n: 512, k: 20, transposeB: false, smallKernels: true, threads: 1, expected: .single),
    ]

    @Test("picks sgemv, one sgemm or row blocks by shape, kernel family and threads", arguments: routes)
    func picksRoute(route: RouteCase) {
        let dims = MatrixProduct.Dims(m: route.m, n: route.n, k: route.k, transposeB: route.transposeB)
        #expect(MatrixProduct.route(for: dims, smallMatrixKernels: route.smallKernels, threads: route.threads)
                == route.expected)
    }

    @Test("row blocks, on one thread or shared among three, give the single call's result, with strides and either layout of A",
          arguments: [false, true], [Float(0), 1])
    func rowBlocks(transposeA: Bool, beta: Float) {
        let m = 20, n = 6, k = 5, lda = transposeA ? 23 : 7, ldc = 9
        let a = deterministicValues(count: (transposeA ? k : m) * lda, seed: 31)
        let b = deterministicValues(count: k * n, seed: 32), start = deterministicValues(count: m * ldc, seed: 33)
        let dims = MatrixProduct.Dims(m: m, n: n, k: k, transposeA: transposeA, lda: lda, ldc: ldc)
        var single = start
        MatrixProduct.multiply(a: a, b: b, c: &single, dims: dims, alpha: 2, beta: beta, route: .single)
        for slices in [1, 3] {
            var blocked = start
            MatrixProduct.multiply(a: a, b: b, c: &blocked, dims: dims, alpha: 2, beta: beta,
                                   route: .rowBlocks(7, slices: slices))
            #expect(maxAbsoluteDifference(blocked, single) <= 1e-6, "\(slices) slices")
            for row in 0..<m {
                #expect(blocked[(row * ldc + n)..<((row + 1) * ldc)] == start[(row * ldc + n)..<((row + 1) * ldc)])
            }
        }
        #expect(single != start)
    }
}
