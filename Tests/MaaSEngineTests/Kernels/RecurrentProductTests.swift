import Testing
@testable import MaaSEngine

@Suite("Recurrent product")
struct RecurrentProductTests {
    struct Choice: Sendable, CustomTestStringConvertible {
        let m: Int, n: Int, k: Int, smallKernels: Bool, threads: Int
        let expected: RecurrentProduct.Strategy
        var testDescription: String { "\(m)×\(k)·\(k)×\(n) small=\(smallKernels) threads=\(threads)" }
    }

    /// The measured cases in RecurrentProduct's comment, and the guards around them.
    static let choices: [Choice] = [
        // No small-matrix kernels (Haswell, Zen, …): sgemv for one row, one sgemm otherwise.
        Choice(m: 1, n: 512, k: 128, smallKernels: false, threads: 1, expected: .vector),
        Choice(m: 32, n: 512, k: 128, smallKernels: false, threads: 1, expected: .single),
        // Under OpenBLAS's small-matrix bound one call is already unpacked, even for one row.
        Choice(m: 1, n: 512, k: 128, smallKernels: true, threads: 1, expected: .single),
        Choice(m: 8, n: 512, k: 128, smallKernels: true, threads: 1, expected: .single),
        // One row over a large matrix: sgemv streams it at least as fast.
        Choice(m: 1, n: 2048, k: 512, smallKernels: true, threads: 1, expected: .vector),
        // The reference model at batch 16 and 32, and larger states.
        Choice(m: 16, n: 512, k: 128, smallKernels: true, threads: 1, expected: .columnTiles(width: 256)),
        Choice(m: 32, n: 512, k: 128, smallKernels: true, threads: 1, expected: .columnTiles(width: 128)),
        Choice(m: 32, n: 1024, k: 256, smallKernels: true, threads: 1, expected: .columnTiles(width: 64)),
        Choice(m: 8, n: 2048, k: 512, smallKernels: true, threads: 1, expected: .columnTiles(width: 128)),
        // Tiles too narrow for their K, or narrower than 64 columns, lose to the packed path.
        Choice(m: 16, n: 2048, k: 512, smallKernels: true, threads: 1, expected: .single),
        Choice(m: 64, n: 1024, k: 256, smallKernels: true, threads: 1, expected: .single),
        // With two threads the packed path is threaded: at most four tiles.
        Choice(m: 32, n: 512, k: 128, smallKernels: true, threads: 2, expected: .columnTiles(width: 128)),
        Choice(m: 64, n: 512, k: 128, smallKernels: true, threads: 2, expected: .single),
        // Sizes whose product overflows fall back instead of trapping.
        Choice(m: 1 << 40, n: 1 << 30, k: 4, smallKernels: true, threads: 1, expected: .single),
    ]

    @Test("picks the BLAS call for the shape, kernel family and thread count", arguments: choices)
    func picksStrategy(choice: Choice) {
        #expect(RecurrentProduct.strategy(m: choice.m, n: choice.n, k: choice.k,
                                          smallMatrixKernels: choice.smallKernels, threads: choice.threads)
                == choice.expected)
    }

    static let strategies: [RecurrentProduct.Strategy] = [.vector, .single, .columnTiles(width: 4), .columnTiles(width: 64)]

    @Test("every strategy computes a·b + beta·c through strides",
          arguments: strategies, [Float(0), 1])
    func agreesWithDefinition(strategy: RecurrentProduct.Strategy, beta: Float) {
        // Eleven columns: the last tile of four is partial. Strides wider than the matrices, as when the
        // state is read from a time slice of Y and accumulated onto projection rows.
        let m = strategy == .vector ? 1 : 3, n = 11, k = 5, lda = 7, ldb = 13, ldc = 17
        let a = deterministicValues(count: m * lda, seed: 21), b = deterministicValues(count: k * ldb, seed: 22)
        let start = deterministicValues(count: m * ldc, seed: 23)
        var c = start
        let product = RecurrentProduct(m: m, n: n, k: k, ldb: ldb, strategy: strategy)
        product.multiply(a: a, lda: lda, b: b, c: &c, ldc: ldc, beta: beta)
        for i in 0..<m {
            for j in 0..<ldc {
                guard j < n else {
                    #expect(c[i * ldc + j] == start[i * ldc + j], "column \(j) past N is untouched")
                    continue
                }
                var sum = beta * start[i * ldc + j]
                for p in 0..<k { sum += a[i * lda + p] * b[p * ldb + j] }
                #expect(abs(c[i * ldc + j] - sum) <= 1e-5, "c[\(i), \(j)]")
            }
        }
    }
}
