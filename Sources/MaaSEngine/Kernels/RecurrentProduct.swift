import COpenBLAS

/// C[M, N] += A[M, K] · B[K, N] for a recurrent step: the same weight block B (Rᵀ) is multiplied once per time
/// step by a new state A, so how BLAS is called is decided once per run, not per step.
///
/// OpenBLAS's packed sgemm copies B into its panel layout on every call; for a 32×128 state times a 128×512 Rᵀ
/// that copy is a third of the call, paid again each step. OpenBLAS's SkylakeX kernels (also used for Cooper
/// Lake and Sapphire Rapids) include "small matrix" sgemm kernels that read A and B in place, taken when
/// M·N·K ≤ 10⁶. Splitting the product into column tiles under that bound avoids the copies. Measured on this
/// project's Xeon (1 thread, µs per step, one call → tiles):
///   H=128: B=16 19.8 → 11.6, B=32 33 → 22.8, B=64 53 → 45;  H=256: B=8 66 → 25, B=32 130 → 102;
///   H=512: B=4 378 → 127, B=8 413 → 242, but B=16 even and B≥24 slower (tiles of 64 columns over K=512).
/// With one row, the small kernel also beats sgemv while Rᵀ fits in cache (H=128: 2.0 vs 3.0 µs); past 10⁶
/// elements sgemv streams the matrix as fast (H=512: 125 vs 130 µs) or faster (H=1024: 568 vs 664).
/// With several BLAS threads the packed path is threaded and tiles are not, so tiling is kept to ≤ 4 tiles
/// (2 threads, H=128: B=32 29 → 23 µs, B=64 39 → 47).
/// Other kernel families have no small-matrix kernels (or naive ones), so they keep one call per step.
struct RecurrentProduct {
    enum Strategy: Equatable {
        /// One row: sgemv.
        case vector
        /// One sgemm over the whole product.
        case single
        /// sgemm per block of `width` columns.
        case columnTiles(width: Int)
    }

    let m: Int
    let n: Int
    let k: Int
    /// Row stride of B.
    let ldb: Int
    let strategy: Strategy
    /// Every BLAS call stays on the small-matrix kernels, which never use OpenBLAS's thread pool.
    let unpacked: Bool

    init(m: Int, n: Int, k: Int, ldb: Int? = nil,
         smallMatrixKernels: Bool = BLASCoreSelection.hasSmallMatrixKernels, threads: Int = BLASThreading.threadCount) {
        self.m = m
        self.n = n
        self.k = k
        self.ldb = ldb ?? n
        strategy = Self.strategy(m: m, n: n, k: k, smallMatrixKernels: smallMatrixKernels, threads: threads)
        switch strategy {
        case .columnTiles: unpacked = true
        case .single:
            let (mn, first) = m.multipliedReportingOverflow(by: n)
            let (mnk, second) = mn.multipliedReportingOverflow(by: k)
            unpacked = smallMatrixKernels && !first && !second && mnk <= MatrixProduct.smallMatrixLimit
        case .vector: unpacked = false
        }
    }

    /// A fixed strategy, for tests that run every one of them.
    init(m: Int, n: Int, k: Int, ldb: Int? = nil, strategy: Strategy) {
        self.m = m
        self.n = n
        self.k = k
        self.ldb = ldb ?? n
        self.strategy = strategy
        unpacked = false
    }

    static func strategy(m: Int, n: Int, k: Int, smallMatrixKernels: Bool, threads: Int) -> Strategy {
        guard smallMatrixKernels else { return m == 1 ? .vector : .single }
        let (product, overflow) = m.multipliedReportingOverflow(by: n)
        guard !overflow, product.multipliedReportingOverflow(by: k).overflow == false else {
            return m == 1 ? .vector : .single
        }
        if product * k <= MatrixProduct.smallMatrixLimit { return .single }
        if m == 1 { return .vector }
        // The widest power-of-two tile under the limit; narrow tiles over a long K lose to the packed path.
        let widest = MatrixProduct.smallMatrixLimit / max(1, m * k)
        var width = 1
        while width * 2 <= widest && width * 2 <= n { width *= 2 }
        let tiles = (n + width - 1) / width
        guard width >= 64, k <= 256 || width >= 128, threads == 1 || tiles <= 4 else { return .single }
        return .columnTiles(width: width)
    }

    /// `c = a · b + beta · c`, with row strides `lda` and `ldc` (a step may read its state from a time
    /// slice of Y and accumulate onto strided projection rows). With `beta == 0`, `c` need not be initialised.
    func multiply(a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                  beta: Float) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            MatrixProduct.multiply(a: a, b: b, c: c, dims: .init(m: m, n: n, k: 0, ldc: ldc), beta: beta)
            return
        }
        switch strategy {
        case .vector:
            // c[1, N] = a[1, K]·B[K, N] is Bᵀ·a.
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(n), 1, b, Int32(ldb), a, 1, beta, c, 1)
        case .single:
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                        1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        case .columnTiles(let width):
            var column = 0
            while column < n {
                let count = min(width, n - column)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(count), Int32(k),
                            1, a, Int32(lda), b + column, Int32(ldb), beta, c + column, Int32(ldc))
                column += count
            }
        }
    }
}
