import Glibc

/// librosa's `power_to_db`: 10 · log10(max(S, amin)) − 10 · log10(max(amin, ref)), then everything below
/// (maximum − topDB) raised to it. The maximum is over the whole clip, so the floor is applied afterwards,
/// by the DCT (`CepstralTransform`), once every batch has been converted.
enum Decibels {
    /// 10 · log10(max(amin, ref)), subtracted from every value.
    static func offset(amin: Double, ref: Double) -> Float {
        10 * log10f(Float(max(amin, ref)))
    }

    /// Converts one batch (`values` values of `kernels.lanes` floats, each first multiplied by `scale`) in
    /// place; returns the largest result among the first `frames` lanes (the rest of a clip's last batch is
    /// padding).
    static func fromPower(batch: UnsafeMutablePointer<Float>, values: Int, frames: Int, scale: Float = 1, amin: Double, ref: Double,
                          kernels: FFTKernels) -> Float {
        let floor = Float(amin)
        let offset = offset(amin: amin, ref: ref)
        // The kernel's polynomial logarithm needs normal inputs; an amin below the smallest normal float
        // takes libm's path.
        if floor >= Float.leastNormalMagnitude {
            return kernels.decibels(batch, values: values, scale: scale, amin: floor, offset: offset, frames: frames)
        }
        let lanes = kernels.lanes
        var peak = -Float.infinity
        for j in 0..<values {
            for lane in 0..<lanes {
                let db = 10 * log10f(max(batch[j * lanes + lane] * scale, floor)) - offset
                batch[j * lanes + lane] = db
                if lane < frames { peak = max(peak, db) }
            }
        }
        return peak
    }
}
