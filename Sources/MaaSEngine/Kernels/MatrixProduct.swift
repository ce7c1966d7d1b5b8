import COpenBLAS

/// The one place that calls BLAS for a plain matrix product C = alpha·op(A)·op(B) + beta·C (row-major).
/// (Recurrent steps, which reuse one B many times, go through `RecurrentProduct`.)
///
/// With a single row (M == 1, a one-frame dense layer) it calls sgemv: OpenBLAS's packed sgemm copies B
/// into panels on every call, which for M == 1 costs more than the product itself — unless the product is
/// small enough for OpenBLAS's unpacked small-matrix kernels (SkylakeX family), which beat sgemv.
///
/// Large products on those kernels are split into blocks of rows under the small-matrix bound: no packing
/// copies, and with beta = 0 no separate pass zeroing C first. Measured, 1 thread, µs, beta 0:
/// 3200×512×20 676 → 392, 3200×64×128 368 → 285, 3200×10×64 106 → 51, 10000×32×27 180 → 100;
/// blocks under ~32 rows lose (3200×256×256 in 15-row blocks: 2827 → 4107), so those stay one call.
/// With several BLAS threads the blocks are shared among that many threads (`RowSlices`), as the small
/// kernels themselves are single-threaded.
package enum MatrixProduct {
    /// OpenBLAS takes its small-matrix path at or below this M·N·K (sgemm_small_kernel_permit, 0.3.17+).
    static let smallMatrixLimit = 1_000_000
    /// Row blocks narrower than this lose to one packed call.
    static let minimumRowBlock = 32

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

    /// How one product is handed to BLAS.
    enum Route: Equatable {
        /// One row: sgemv.
        case rowVector
        /// One column: sgemv.
        case columnVector
        /// One sgemm.
        case single
        /// One sgemm per block of this many rows, the blocks shared among `slices` threads.
        case rowBlocks(Int, slices: Int)
    }

    static func route(for dims: Dims, smallMatrixKernels: Bool, threads: Int) -> Route {
        let m = dims.m, n = dims.n, k = dims.k
        // Only untransposed B: OpenBLAS's small kernels do not take a transposed B here (TT), or only for tiny
        // outputs (TN).
        let small = smallMatrixKernels && !dims.transposeB
        let (mn, mnOverflow) = m.multipliedReportingOverflow(by: n)
        let (mnk, mnkOverflow) = mn.multipliedReportingOverflow(by: k)
        let fitsSmallKernel = small && !mnOverflow && !mnkOverflow && mnk <= smallMatrixLimit
        if m == 1 && !fitsSmallKernel { return .rowVector }
        if n == 1 { return .columnVector }
        let (nk, nkOverflow) = n.multipliedReportingOverflow(by: k)
        let rowBlock = nkOverflow || nk == 0 ? 0 : smallMatrixLimit / nk
        if small, !fitsSmallKernel, rowBlock >= minimumRowBlock, rowBlock < m {
            return .rowBlocks(rowBlock, slices: max(1, min(threads, (m + rowBlock - 1) / rowBlock)))
        }
        return .single
    }

    /// Writes `c = alpha·op(a)·op(b) + beta·c`. With `beta == 0`, `c` need not be initialised.
    package static func multiply(
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
        dims: Dims, alpha: Float = 1, beta: Float = 0
    ) {
        multiply(a: a, b: b, c: c, dims: dims, alpha: alpha, beta: beta,
                 route: route(for: dims, smallMatrixKernels: BLASCoreSelection.hasSmallMatrixKernels,
                              threads: BLASThreading.threadCount))
    }

    /// The same along a given route; tests run every route this way.
    static func multiply(
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
        dims: Dims, alpha: Float, beta: Float, route: Route
    ) {
        let m = dims.m, n = dims.n, k = dims.k
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            scaleRows(c, rows: m, columns: n, ldc: dims.ldc, beta: beta)
            return
        }
        switch route {
        case .rowVector:
            // c[1,N] = a[1,K]·op(B). Viewed from B's side this is op(B)ᵀ·a.
            // B stored [K, N] → y = Bᵀ·x (Trans); stored [N, K] → y = B·x (NoTrans).
            let incX = dims.transposeA ? Int32(dims.lda) : 1
            cblas_sgemv(
                CblasRowMajor, dims.transposeB ? CblasNoTrans : CblasTrans,
                Int32(dims.transposeB ? n : k), Int32(dims.transposeB ? k : n),
                alpha, b, Int32(dims.ldb), a, incX, beta, c, 1)
        case .columnVector:
            // A single output column is a matrix-vector product too: c[M] = op(A)·b.
            let incB = dims.transposeB ? 1 : Int32(dims.ldb)
            cblas_sgemv(
                CblasRowMajor, dims.transposeA ? CblasTrans : CblasNoTrans,
                Int32(dims.transposeA ? k : m), Int32(dims.transposeA ? m : k),
                alpha, a, Int32(dims.lda), b, incB, beta, c, Int32(dims.ldc))
        case .single:
            sgemm(dims, m: m, a: a, b: b, c: c, alpha: alpha, beta: beta)
        case .rowBlocks(let block, let slices):
            RowSlices(rows: m, count: slices).run { rows in
                var row = rows.lowerBound
                while row < rows.upperBound {
                    let count = min(block, rows.upperBound - row)
                    // Row `row` of op(A) starts `row` rows into A, or `row` columns into a transposed A.
                    let blockA = a + (dims.transposeA ? row : row * dims.lda)
                    sgemm(dims, m: count, a: blockA, b: b, c: c + row * dims.ldc, alpha: alpha, beta: beta)
                    row += count
                }
            }
        }
    }

    private static func sgemm(_ dims: Dims, m: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                              c: UnsafeMutablePointer<Float>, alpha: Float, beta: Float) {
        cblas_sgemm(
            CblasRowMajor, dims.transposeA ? CblasTrans : CblasNoTrans, dims.transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(dims.n), Int32(dims.k), alpha, a, Int32(dims.lda), b, Int32(dims.ldb), beta, c,
            Int32(dims.ldc))
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
