import Glibc

/// librosa's `power_to_db`: 10 · log10(max(S, amin)) − 10 · log10(max(amin, ref)), then everything below
/// (maximum − topDB) raised to it. The maximum is over the whole clip, so this runs once all frames exist.
enum Decibels {
    static func fromPower(_ values: UnsafeMutableBufferPointer<Float>, amin: Double, ref: Double, topDB: Double?) {
        let floor = Float(amin)
        let offset = 10 * log10f(Float(max(amin, ref)))
        var peak = -Float.infinity
        var i = 0
        // The vector logarithm needs normal inputs; an amin below the smallest normal float takes libm's path.
        if floor >= Float.leastNormalMagnitude, let base = values.baseAddress {
            let raw = UnsafeMutableRawPointer(base)
            var peaks = SIMD4<Float>(repeating: -.infinity)
            while i &+ 4 <= values.count {
                let x = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD4<Float>.self)
                let clamped = x.replacing(with: floor, where: x .< floor)
                let db = 10 * vectorLog10(clamped) - offset
                raw.storeBytes(of: db, toByteOffset: i &* 4, as: SIMD4<Float>.self)
                peaks = peaks.replacing(with: db, where: db .> peaks)
                i &+= 4
            }
            peak = peaks.max()
        }
        while i < values.count {
            let db = 10 * log10f(max(values[i], floor)) - offset
            values[i] = db
            peak = max(peak, db)
            i += 1
        }
        guard let topDB, !values.isEmpty else { return }
        let lowest = peak - Float(topDB)
        for i in values.indices where values[i] < lowest {
            values[i] = lowest
        }
    }

    /// log10 of four positive normal floats, within a few ulp of libm.
    ///
    /// x = 2^e · m with m in [√½, √2); ln m = 2 atanh(s) = 2 (s + s³/3 + s⁵/5 + …) with s = (m − 1)/(m + 1),
    /// |s| ≤ 0.172, so the terms up to s⁹ leave an error below 1e-9.
    @inline(__always)
    static func vectorLog10(_ x: SIMD4<Float>) -> SIMD4<Float> {
        let bits = unsafeBitCast(x, to: SIMD4<Int32>.self)
        var exponent = (bits &>> 23) &- 127
        var mantissa = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: SIMD4<Float>.self)
        let high = mantissa .> 1.41421356
        mantissa = mantissa.replacing(with: mantissa * 0.5, where: high)
        exponent = exponent.replacing(with: exponent &+ 1, where: high)
        let s = (mantissa - 1) / (mantissa + 1)
        let s2 = s * s
        let third: Float = 1.0 / 3, fifth: Float = 1.0 / 5, seventh: Float = 1.0 / 7, ninth: Float = 1.0 / 9
        var series = s2 * ninth + seventh
        series = series * s2 + fifth
        series = series * s2 + third
        series = series * s2 + 1
        let lnMantissa = 2 * s * series
        let ln: SIMD4<Float> = SIMD4<Float>(exponent) * Float(0.693147180559945) + lnMantissa
        return ln * Float(0.434294481903252)
    }
}
