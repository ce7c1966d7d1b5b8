import COpenBLAS

/// The one place that calls BLAS for a plain matrix product C = alpha·op(A)·op(B) + beta·C (row-major).
///
/// With a single row (M == 1, a batch-1 recurrent step or a one-frame dense layer) it calls sgemv:
/// OpenBLAS's sgemm repacks B on every call, which for M == 1 costs more than the product itself.
package enum MatrixProduct {
    package struct Dims: Sendable, Hashable {
        package var m: Int
        package var n: Int
        package var k: Int
        /// A is stored [K, M] instead of [M, K].
        package var transposeA: Bool
        /// B is stored [N, K] instead of [K, N].
        package var transposeB: Bool
        /// Row strides; default to the dense width of each stored matrix.
        package var lda: Int
        package var ldb: Int
        package var ldc: Int

        package init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                     lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil) {
            self.m = m
            self.n = n
            self.k = k
            self.transposeA = transposeA
            self.transposeB = transposeB
            self.lda = lda ?? (transposeA ? m : k)
            self.ldb = ldb ?? (transposeB ? k : n)
            self.ldc = ldc ?? n
        }
    }

    /// Writes `c = alpha·op(a)·op(b) + beta·c`. With `beta == 0`, `c` need not be initialised.
    package static func multiply(
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
        dims: Dims, alpha: Float = 1, beta: Float = 0
    ) {
        let m = dims.m, n = dims.n, k = dims.k
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            scaleRows(c, rows: m, columns: n, ldc: dims.ldc, beta: beta)
            return
        }
        if m == 1 {
            // c[1,N] = a[1,K]·op(B). Viewed from B's side this is op(B)ᵀ·a.
            // B stored [K, N] → y = Bᵀ·x (Trans); stored [N, K] → y = B·x (NoTrans).
            let incX = dims.transposeA ? Int32(dims.lda) : 1
            cblas_sgemv(
                CblasRowMajor, dims.transposeB ? CblasNoTrans : CblasTrans,
                Int32(dims.transposeB ? n : k), Int32(dims.transposeB ? k : n),
                alpha, b, Int32(dims.ldb), a, incX, beta, c, 1)
            return
        }
        if n == 1 {
            // A single output column is a matrix-vector product too: c[M] = op(A)·b.
            let incB = dims.transposeB ? 1 : Int32(dims.ldb)
            cblas_sgemv(
                CblasRowMajor, dims.transposeA ? CblasTrans : CblasNoTrans,
                Int32(dims.transposeA ? k : m), Int32(dims.transposeA ? m : k),
                alpha, a, Int32(dims.lda), b, incB, beta, c, Int32(dims.ldc))
            return
        }
        cblas_sgemm(
            CblasRowMajor, dims.transposeA ? CblasTrans : CblasNoTrans, dims.transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(dims.lda), b, Int32(dims.ldb), beta, c, Int32(dims.ldc))
    }

    private static func scaleRows(_ c: UnsafeMutablePointer<Float>, rows: Int, columns: Int, ldc: Int, beta: Float) {
        for row in 0..<rows {
            let line = c + row * ldc
            if beta == 0 {
                line.update(repeating: 0, count: columns)
            } else {
                for column in 0..<columns { line[column] *= beta }
            }
        }
    }
}
