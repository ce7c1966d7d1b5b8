import Glibc

/// librosa's `power_to_db`: 10 · log10(max(S, amin)) − 10 · log10(max(amin, ref)), then everything below
/// (maximum − topDB) raised to it. The maximum is over the whole clip, so this runs once all frames exist.
enum Decibels {
    static func fromPower(_ values: UnsafeMutableBufferPointer<Float>, amin: Double, ref: Double, topDB: Double?) {
        let floor = Float(amin)
        let offset = Float(10 * log10(max(amin, ref)))
        var peak = -Float.infinity
        for i in values.indices {
            let db = 10 * log10f(max(values[i], floor)) - offset
            values[i] = db
            peak = max(peak, db)
        }
        guard let topDB, !values.isEmpty else { return }
        let lowest = peak - Float(topDB)
        for i in values.indices where values[i] < lowest {
            values[i] = lowest
        }
    }
}
