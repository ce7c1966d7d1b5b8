/// The report as plain-text tables for people, laid out like scikit-learn's `classification_report` (labels
/// left-aligned, numbers right-aligned, three decimals) so the two are easy to compare by eye.
extension ClassificationReport {
    /// Per-class precision, recall, F1, support; then accuracy and the macro and weighted averages.
    public func metricsTable(decimals: Int = 3) -> String {
        var rows: [[String]] = [["", "precision", "recall", "f1-score", "support"]]
        for c in classes {
            rows.append([c.label] + [c.precision, c.recall, c.f1].map { Self.fixed($0, decimals) } + [String(c.support)])
        }
        rows.append(["", "", "", "", ""])
        rows.append(["accuracy", "", "", Self.fixed(accuracy, decimals), String(total)])
        for (name, a) in [("macro avg", macro), ("weighted avg", weighted)] {
            rows.append([name] + [a.precision, a.recall, a.f1].map { Self.fixed($0, decimals) } + [String(total)])
        }
        return Self.render(rows)
    }

    /// The confusion matrix with true labels down the side and predicted labels across the top. Zero cells
    /// are shown as `.` so the few non-zero cells off the diagonal stand out.
    public func confusionTable() -> String {
        let labels = confusion.labels
        var rows: [[String]] = [["true \\ predicted"] + labels]
        for truth in labels.indices {
            rows.append([labels[truth]] + labels.indices.map { predicted in
                let n = confusion[truth, predicted]
                return n == 0 ? "." : String(n)
            })
        }
        return Self.render(rows)
    }

    /// `x` rounded half away from zero to `decimals` places: `0.875`, `1.000`.
    package static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return String(x) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((abs(x) * scale).rounded(.toNearestOrAwayFromZero))
        let power = Int(scale)
        let sign = x < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(scaled) }
        let fraction = String(scaled % power)
        return sign + String(scaled / power) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// First column left-aligned, the rest right-aligned, two spaces apart, no trailing blanks.
    private static func render(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        var text = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[i] - cell.count)
                line += i == 0 ? cell + padding : "  " + padding + cell
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        return text
    }
}
