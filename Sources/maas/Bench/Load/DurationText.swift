/// Durations as people type them on the command line: `10s`, `1.5s`, `500ms`, `2m`, or a bare number of
/// seconds (`10`).
enum DurationText {
    /// nil when `text` is not a duration, is negative, or is longer than a day.
    static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(text)
        var scale = 1.0
        // "ms" before "s" and "m", so "500ms" is not read as 500m + "s".
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.seconds
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(number)
        else { return nil }
        let seconds = value * scale
        guard seconds.isFinite, seconds >= 0, seconds <= 86_400 else { return nil }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// `10 s`, `2.5 s`, `500 ms`: the inverse of `parse` for people.
    static func format(_ duration: Duration) -> String {
        let seconds = Self.seconds(duration)
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        let rounded = (seconds * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded)) s" : "\(rounded) s"
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
