extension LSTMKernel {
    /// The elementwise part of one LSTM step for one batch row.
    struct Cell {
        let hidden: Int
        let clip: Float?
        let inputForget: Bool

        /// `gates` holds this row's pre-activations (projection + h·Rᵀ) and is used as scratch;
        /// on exit `h` and `c` hold the new state.
        @inline(__always)
        func step(_ gates: UnsafeMutablePointer<Float>, peepholes: UnsafePointer<Float>?,
                  h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>) {
            if peepholes == nil && clip == nil && !inputForget {
                plainStep(gates, h: h, c: c)
            } else {
                generalStep(gates, peepholes: peepholes, h: h, c: c)
            }
        }

        /// The common case in one pass, so each gate value is loaded once and stays in registers.
        ///
        /// With Eₓ = e^(−x) (e^(−2x) for tanh arguments), σ(f)·c + σ(i)·tanh(g) and σ(o)·tanh(c′) are each
        /// one fraction, so a step costs two divisions instead of five. Arguments are clamped where σ and
        /// tanh have already saturated in Float (e^(±20)), which also keeps the products of (1 + E) finite.
        private func plainStep(_ gates: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                               c: UnsafeMutablePointer<Float>) {
            let n = hidden
            let input = gates, output = gates + n, forget = gates + 2 * n, candidate = gates + 3 * n
            for j in 0..<n {
                let di = 1 + VectorMath.expInRange(bounded(-input[j], 20))
                let df = 1 + VectorMath.expInRange(bounded(-forget[j], 20))
                let eg = VectorMath.expInRange(bounded(-2 * candidate[j], 20))
                let dg = 1 + eg
                let cell = (c[j] * di * dg + (1 - eg) * df) / (df * di * dg)
                c[j] = cell
                let eo = VectorMath.expInRange(bounded(-output[j], 20))
                let ec = VectorMath.expInRange(bounded(-2 * cell, 20))
                h[j] = (1 - ec) / ((1 + eo) * (1 + ec))
            }
        }

        /// Clamps to ±limit in the form that compiles to one maxps and one minps.
        @inline(__always)
        private func bounded(_ value: Float, _ limit: Float) -> Float {
            min(max(value, -limit), limit)
        }

        /// Peepholes, clip and coupled input/forget gates, pass by pass.
        private func generalStep(_ gates: UnsafeMutablePointer<Float>, peepholes: UnsafePointer<Float>?,
                                 h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>) {
            let n = hidden
            let input = gates, output = gates + n, forget = gates + 2 * n, candidate = gates + 3 * n
            if let peepholes {
                for j in 0..<n {
                    input[j] += peepholes[j] * c[j]
                    forget[j] += peepholes[2 * n + j] * c[j]
                }
                if let clip {
                    clamp(input, count: n, to: clip)
                    clamp(forget, count: 2 * n, to: clip)
                }
                VectorMath.sigmoid(inPlace: input, count: n)
                VectorMath.sigmoid(inPlace: forget, count: n)
            } else {
                if let clip { clamp(gates, count: 4 * n, to: clip) }
                // Gate order i, o, f puts all three sigmoid gates side by side.
                VectorMath.sigmoid(inPlace: gates, count: 3 * n)
            }
            VectorMath.tanh(inPlace: candidate, count: n)
            if inputForget {
                for j in 0..<n { c[j] = (1 - input[j]) * c[j] + input[j] * candidate[j] }
            } else {
                for j in 0..<n { c[j] = forget[j] * c[j] + input[j] * candidate[j] }
            }
            if let peepholes {
                for j in 0..<n { output[j] += peepholes[n + j] * c[j] }
                if let clip { clamp(output, count: n, to: clip) }
                VectorMath.sigmoid(inPlace: output, count: n)
            }
            VectorMath.tanh(c, into: candidate, count: n)
            for j in 0..<n { h[j] = output[j] * candidate[j] }
        }

        private func clamp(_ values: UnsafeMutablePointer<Float>, count: Int, to limit: Float) {
            for j in 0..<count { values[j] = min(max(values[j], -limit), limit) }
        }
    }
}
