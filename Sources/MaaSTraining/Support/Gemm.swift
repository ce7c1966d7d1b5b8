import COpenBLAS

/// Row-major single-precision products through OpenBLAS: the only place training calls BLAS.
///
/// Training sets OpenBLAS to one thread (see `Trainer`); with one thread every product sums in a fixed
/// order, which is what makes a seeded run bit-reproducible.
enum Gemm {
    /// C[m, n] = alpha · op(A) · op(B) + beta · C. `transposeA`: A is stored [k, m]; `transposeB`: B is [n, k].
    /// Leading dimensions default to the dense width of each stored matrix.
    static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // BLAS scales C by beta when k is 0 in some builds and not in others; do it explicitly.
            for row in 0..<m {
                let line = c + row * (ldc ?? n)
                for j in 0..<n { line[j] = beta == 0 ? 0 : beta * line[j] }
            }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda ?? (transposeA ? m : k)),
            b, Int32(ldb ?? (transposeB ? k : n)), beta, c, Int32(ldc ?? n))
    }

    /// sums[j] (+)= Σᵢ rows[i, j] over a row-major [count, width] matrix: a bias gradient.
    static func columnSums(_ rows: UnsafePointer<Float>, count: Int, width: Int, into sums: UnsafeMutablePointer<Float>,
                           ones: UnsafePointer<Float>, accumulate: Bool = false) {
        guard width > 0 else { return }
        guard count > 0 else {
            if !accumulate { sums.update(repeating: 0, count: width) }
            return
        }
        cblas_sgemv(CblasRowMajor, CblasTrans, Int32(count), Int32(width), 1, rows, Int32(width), ones, 1,
                    accumulate ? 1 : 0, sums, 1)
    }
}
