/// What one pass over a signal's bit patterns finds (the C kernels' `scan`, and `transposeSignal` on the way):
/// magnitudes order like their bit patterns as unsigned integers, so the peak is an integer maximum, and
/// magnitude − 1 wraps zero to the largest value, so the smallest of those is below 0x007FFFFF exactly when
/// some sample is subnormal.
struct SignalScan {
    var peakBits: UInt32 = 0
    var leastBits: UInt32 = .max

    /// The largest magnitude, NaN and infinities included.
    var peak: Float { Float(bitPattern: peakBits) }
    var nonFinite: Bool { peakBits >= 0x7F80_0000 }
    var subnormal: Bool { leastBits < 0x007F_FFFF }
}
