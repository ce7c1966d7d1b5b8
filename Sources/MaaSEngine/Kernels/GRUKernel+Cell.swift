extension GRUKernel {
    /// The elementwise parts of one GRU step for one batch row, each one fused vector pass (CMaaSKernels).
    /// `gates` holds this row's h·Rᵀ products (gate order z, r, h) and doubles as scratch; `projected` its
    /// X·Wᵀ + bias for this time step.
    struct Cell {
        let hidden: Int
        let clip: Float?
        let kernels: VectorKernels

        /// linear_before_reset = 1: the candidate is tanh(xWhᵀ + r ⊙ (h·Rhᵀ + Rbh)); all in one pass.
        @inline(__always)
        func linearBeforeResetStep(
            _ gates: UnsafeMutablePointer<Float>, projected: UnsafePointer<Float>,
            candidateBias: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>
        ) {
            kernels.gruLinearBeforeReset(recurrent: gates, projected: projected, candidateBias: candidateBias,
                                         hidden: h, count: hidden, clip: clip ?? .infinity)
        }

        /// linear_before_reset = 0, first half: z into `gates`, r ⊙ h into `resetHidden`.
        @inline(__always)
        func updateAndReset(
            _ gates: UnsafeMutablePointer<Float>, projected: UnsafePointer<Float>,
            h: UnsafeMutablePointer<Float>, resetHidden: UnsafeMutablePointer<Float>
        ) {
            kernels.gruUpdateReset(recurrent: gates, projected: projected, hidden: h, resetHidden: resetHidden,
                                   count: hidden, clip: clip ?? .infinity)
        }

        /// linear_before_reset = 0, second half: the candidate block of `gates` now holds (r ⊙ h)·Rhᵀ.
        @inline(__always)
        func candidateStep(_ gates: UnsafeMutablePointer<Float>, projected: UnsafePointer<Float>,
                           h: UnsafeMutablePointer<Float>) {
            kernels.gruCandidate(recurrent: gates, projected: projected, hidden: h, count: hidden,
                                 clip: clip ?? .infinity)
        }
    }
}
