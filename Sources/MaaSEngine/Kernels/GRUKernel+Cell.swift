extension GRUKernel {
    /// The elementwise parts of one GRU step for one batch row. `gates` holds this row's h·Rᵀ products
    /// (gate order z, r, h) and doubles as scratch; `projected` its X·Wᵀ + bias for this time step.
    struct Cell {
        let hidden: Int
        let clip: Float?

        /// linear_before_reset = 1: the candidate is tanh(xWhᵀ + r ⊙ (h·Rhᵀ + Rbh)); all in one pass.
        @inline(__always)
        func linearBeforeResetStep(
            _ gates: UnsafeMutablePointer<Float>, projected: UnsafePointer<Float>,
            candidateBias: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>
        ) {
            let n = hidden
            let update = gates, reset = gates + n, candidate = gates + 2 * n
            if let clip {
                for j in 0..<n {
                    let z = VectorMath.sigmoid(clamp(update[j] + projected[j], clip))
                    let r = VectorMath.sigmoid(clamp(reset[j] + projected[n + j], clip))
                    let proposal = VectorMath.tanh(clamp(projected[2 * n + j] + r * (candidate[j] + candidateBias[j]), clip))
                    h[j] = (1 - z) * proposal + z * h[j]
                }
            } else {
                // With E = e^(−x): r = 1/(1+Er), and (1 − z)·tanh(p) + z·h = (Ez·(1 − Ep) + h·(1 + Ep)) / ((1 + Ez)(1 + Ep)),
                // two divisions instead of three. Arguments are clamped where σ and tanh have saturated.
                for j in 0..<n {
                    let ez = VectorMath.expInRange(bounded(-(update[j] + projected[j]), 20))
                    let r = 1 / (1 + VectorMath.expInRange(bounded(-(reset[j] + projected[n + j]), 20)))
                    let ep = VectorMath.expInRange(
                        bounded(-2 * (projected[2 * n + j] + r * (candidate[j] + candidateBias[j])), 20))
                    h[j] = (ez * (1 - ep) + h[j] * (1 + ep)) / ((1 + ez) * (1 + ep))
                }
            }
        }

        /// linear_before_reset = 0, first half: z and r into `gates`, r ⊙ h into `resetHidden`.
        @inline(__always)
        func updateAndReset(
            _ gates: UnsafeMutablePointer<Float>, projected: UnsafePointer<Float>,
            h: UnsafeMutablePointer<Float>, resetHidden: UnsafeMutablePointer<Float>
        ) {
            let n = hidden
            let limit = clip ?? .infinity
            for j in 0..<n {
                gates[j] = VectorMath.sigmoid(clamp(gates[j] + projected[j], limit))
                let r = VectorMath.sigmoid(clamp(gates[n + j] + projected[n + j], limit))
                resetHidden[j] = r * h[j]
            }
        }

        /// linear_before_reset = 0, second half: the candidate block of `gates` now holds (r ⊙ h)·Rhᵀ.
        @inline(__always)
        func candidateStep(_ gates: UnsafeMutablePointer<Float>, projected: UnsafePointer<Float>,
                           h: UnsafeMutablePointer<Float>) {
            let n = hidden
            let update = gates, candidate = gates + 2 * n
            let limit = clip ?? .infinity
            for j in 0..<n {
                let proposal = VectorMath.tanh(clamp(candidate[j] + projected[2 * n + j], limit))
                h[j] = (1 - update[j]) * proposal + update[j] * h[j]
            }
        }

        @inline(__always)
        private func bounded(_ value: Float, _ limit: Float) -> Float {
            min(max(value, -limit), limit)
        }

        @inline(__always)
        private func clamp(_ value: Float, _ limit: Float) -> Float {
            min(max(value, -limit), limit)
        }
    }
}
