import Foundation

/// Formatting of sizes, times and counts for people.
enum Units {
    /// `512 B`, `1.5 KiB`, `12.3 MiB`, `1.0 GiB` (binary units, one decimal above bytes).
    static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : "\(oneDecimal(value)) \(units[unit])"
    }

    static func oneDecimal(_ value: Double) -> String {
        // A server's numbers are not trusted: NaN, infinities and huge values print instead of trapping.
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let tenths = (value * 10).rounded()
        guard abs(tenths) < 1e15 else { return "\(value)" }
        let magnitude = Int(abs(tenths))
        return "\(tenths < 0 ? "-" : "")\(magnitude / 10).\(magnitude % 10)"
    }

    /// `97.3%`: a probability as a percentage with one decimal (rounded half away from zero, like `oneDecimal`).
    static func percent(_ probability: Float) -> String {
        oneDecimal(Double(probability) * 100) + "%"
    }

    /// `percent` right-aligned in 6 columns (` 97.3%`, `  1.1%`, `100.0%`), so a column of them lines up.
    static func paddedPercent(_ probability: Float) -> String {
        let text = percent(probability)
        return String(repeating: " ", count: max(0, 6 - text.count)) + text
    }

    /// `77,450`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// `2026-11-29 01:02:03` in UTC.
    static func utcDateTime(unixMilliseconds ms: Int64) -> String {
        let parts = utcParts(ms)
        return "\(parts.date) \(parts.time)"
    }

    /// `2026-11-29T01:02:03.123Z`.
    static func iso8601(unixMilliseconds ms: Int64) -> String {
        let parts = utcParts(ms)
        let millis = Int((ms % 1000 + 1000) % 1000)
        return "\(parts.date)T\(parts.time).\(pad(millis, 3))Z"
    }

    private static func utcParts(_ ms: Int64) -> (date: String, time: String) {
        var seconds = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        var fields = tm()
        gmtime_r(&seconds, &fields)
        let date = "\(pad(Int(fields.tm_year) + 1900, 4))-\(pad(Int(fields.tm_mon) + 1, 2))-\(pad(Int(fields.tm_mday), 2))"
        let time = "\(pad(Int(fields.tm_hour), 2)):\(pad(Int(fields.tm_min), 2)):\(pad(Int(fields.tm_sec), 2))"
        return (date, time)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// `[-1, 1, 20]`; -1 marks a dynamic dimension.
    static func shape<S: Sequence>(_ dims: S) -> String where S.Element: BinaryInteger {
        "[" + dims.map { String($0) }.joined(separator: ", ") + "]"
    }

    /// A float with 4 significant digits: `0.9123`, `-2`, `1.5e-07`.
    static func value(_ x: Float) -> String {
        String(format: "%.4g", Double(x))
    }
}
