/// Attributes shared by the LSTM and GRU kernels.
package enum RecurrentDirection: Int, Sendable, Hashable {
    case forward
    case reverse
    case bidirectional

    package var count: Int { self == .bidirectional ? 2 : 1 }
}

/// ONNX `layout` attribute of LSTM/GRU (opset 14).
package enum RecurrentLayout: Int, Sendable, Hashable {
    /// layout = 0: X [T, B, I], Y [T, D, B, H], states [D, B, H].
    case timeMajor = 0
    /// layout = 1: X [B, T, I], Y [B, T, D, H], states [B, D, H].
    case batchMajor = 1
}
