extension LSTMKernel {
    /// The elementwise part of one LSTM step for one batch row.
    struct Cell {
        let hidden: Int
        let clip: Float?
        let inputForget: Bool
        let kernels: VectorKernels

        /// `gates` holds this row's x·Wᵀ + h·Rᵀ and is used as scratch; `bias` is Wb + Rb. On exit `h` and `c`
        /// hold the new state.
        @inline(__always)
        func step(_ gates: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, peepholes: UnsafePointer<Float>?,
                  h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>) {
            if peepholes == nil && !inputForget {
                // The common case: one fused vector pass (CMaaSKernels) that loads each gate once.
                kernels.lstmCell(gates: gates, bias: bias, cell: c, hidden: h, count: hidden, clip: clip ?? .infinity)
            } else {
                for j in 0..<(4 * hidden) { gates[j] += bias[j] }
                generalStep(gates, peepholes: peepholes, h: h, c: c)
            }
        }

        /// Peepholes and coupled input/forget gates, pass by pass.
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
                kernels.sigmoid(inPlace: input, count: n)
                kernels.sigmoid(inPlace: forget, count: n)
            } else {
                if let clip { clamp(gates, count: 4 * n, to: clip) }
                // Gate order i, o, f puts all three sigmoid gates side by side.
                kernels.sigmoid(inPlace: gates, count: 3 * n)
            }
            kernels.tanh(inPlace: candidate, count: n)
            if inputForget {
                for j in 0..<n { c[j] = (1 - input[j]) * c[j] + input[j] * candidate[j] }
            } else {
                for j in 0..<n { c[j] = forget[j] * c[j] + input[j] * candidate[j] }
            }
            if let peepholes {
                for j in 0..<n { output[j] += peepholes[n + j] * c[j] }
                if let clip { clamp(output, count: n, to: clip) }
                kernels.sigmoid(inPlace: output, count: n)
            }
            kernels.tanh(c, into: candidate, count: n)
            for j in 0..<n { h[j] = output[j] * candidate[j] }
        }

        private func clamp(_ values: UnsafeMutablePointer<Float>, count: Int, to limit: Float) {
            for j in 0..<count { values[j] = min(max(values[j], -limit), limit) }
        }
    }
}
