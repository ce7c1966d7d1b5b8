internal import CMaaSKernels

/// The elementwise kernels (exp, σ, tanh, the fused recurrent cells, softmax rows) of one instruction set,
/// from the CMaaSKernels C target.
///
/// Swift compiles for baseline x86-64, which left the gate activations at four lanes and a third of an LSTM's
/// time; the C target builds each kernel for AVX-512F, AVX2+FMA and portable C, and `best` is the widest one
/// this CPU runs. Accuracy and special values are documented in CMaaSKernels.h.
package struct VectorKernels: @unchecked Sendable {
    // The tables are immutable C statics with process lifetime.
    private let table: UnsafePointer<MaaSVectorKernels>

    private init(_ table: UnsafePointer<MaaSVectorKernels>) {
        self.table = table
    }

    /// The fastest variant for this CPU, chosen once per process.
    package static var best: VectorKernels { VectorKernels(maas_best_vector_kernels()) }

    /// Every variant this CPU can run, portable C first; for tests that hold each one to the same contract.
    package static var available: [VectorKernels] {
        [MAAS_ISA_GENERIC, MAAS_ISA_AVX2, MAAS_ISA_AVX512F].compactMap { maas_vector_kernels($0).map(VectorKernels.init) }
    }

    /// "avx512f", "avx2" or "generic".
    package var name: String { String(cString: table.pointee.name) }

    /// `output[i] = eˣ`; `output` may equal `input`.
    package func exp(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        table.pointee.exp(input, output, count)
    }

    /// `output[i] = 1/(1 + e⁻ˣ)`; `output` may equal `input`.
    package func sigmoid(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        table.pointee.sigmoid(input, output, count)
    }

    /// `output[i] = tanh x`; `output` may equal `input`.
    package func tanh(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        table.pointee.tanh(input, output, count)
    }

    package func sigmoid(inPlace values: UnsafeMutablePointer<Float>, count: Int) {
        table.pointee.sigmoid(values, values, count)
    }

    package func tanh(inPlace values: UnsafeMutablePointer<Float>, count: Int) {
        table.pointee.tanh(values, values, count)
    }

    /// One LSTM step of one batch row with default activations: the pre-activations are `gates` + `bias`, both
    /// [i | o | f | g] (`count` each), clamped to ±`clip`; `cell` is updated in place and `hidden` receives h.
    package func lstmCell(gates: UnsafePointer<Float>, bias: UnsafePointer<Float>, cell: UnsafeMutablePointer<Float>,
                          hidden: UnsafeMutablePointer<Float>, count: Int, clip: Float = .infinity) {
        table.pointee.lstmCell(gates, bias, cell, hidden, count, clip)
    }

    /// GRU with linear_before_reset = 1, one batch row; `recurrent` is h·Rᵀ and `projected` x·Wᵀ + biases, both
    /// [z | r | h]; `hidden` is updated in place.
    package func gruLinearBeforeReset(recurrent: UnsafePointer<Float>, projected: UnsafePointer<Float>,
                                      candidateBias: UnsafePointer<Float>, hidden: UnsafeMutablePointer<Float>,
                                      count: Int, clip: Float = .infinity) {
        table.pointee.gruLinearBeforeReset(recurrent, projected, candidateBias, hidden, count, clip)
    }

    /// GRU with linear_before_reset = 0, first half: z over recurrent[0..<count], r ⊙ h into `resetHidden`.
    package func gruUpdateReset(recurrent: UnsafeMutablePointer<Float>, projected: UnsafePointer<Float>,
                                hidden: UnsafePointer<Float>, resetHidden: UnsafeMutablePointer<Float>,
                                count: Int, clip: Float = .infinity) {
        table.pointee.gruUpdateReset(recurrent, projected, hidden, resetHidden, count, clip)
    }

    /// Second half: recurrent[2·count..<3·count] now holds (r ⊙ h)·Rhᵀ; `hidden` is updated in place.
    package func gruCandidate(recurrent: UnsafePointer<Float>, projected: UnsafePointer<Float>,
                              hidden: UnsafeMutablePointer<Float>, count: Int, clip: Float = .infinity) {
        table.pointee.gruCandidate(recurrent, projected, hidden, count, clip)
    }

    /// `values[r, c] = min(max(values[r, c] + bias[c], lower), upper)`, negative results then times
    /// `negativeSlope`, in one pass over a row-major [rows, columns] matrix; nil bias adds nothing.
    package func biasActivationRows(_ values: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, rows: Int,
                                    columns: Int, lower: Float, upper: Float, negativeSlope: Float) {
        table.pointee.biasActivationRows(values, bias, rows, columns, lower, upper, negativeSlope)
    }

    /// Softmax (or log-softmax) of each contiguous row of `length` values; `output` may equal `input`.
    package func softmaxRows(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>,
                             rows: Int, length: Int, logarithm: Bool) {
        table.pointee.softmaxRows(input, output, rows, length, logarithm ? 1 : 0)
    }
}
