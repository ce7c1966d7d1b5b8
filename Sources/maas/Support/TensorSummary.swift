import MaaSClient

/// How `maas predict` shows an output to a person: its type and shape, then either the most likely classes
/// (when each row along the last axis is a probability distribution, as a softmax produces) or the values,
/// abbreviated when there are many.
enum TensorSummary {
    static let maxRows = 8
    static let topClasses = 5
    static let maxValues = 16

    static func lines(name: String, array: NumpyArray) -> [String] {
        var lines = ["\(name)  \(array.dtype.name) \(Units.shape(array.shape))"]
        if let floats = array.floatValues {
            if let classes = array.shape.last, isProbabilityRows(floats, classes: classes) {
                lines += topClassLines(floats, leadingShape: Array(array.shape.dropLast()), classes: classes)
            } else {
                lines.append("  " + abbreviated(floats.map(Units.value)) + statistics(floats))
            }
        } else if let ints = array.int64Values {
            lines.append("  " + abbreviated(ints.map { String($0) }))
        }
        return lines
    }

    /// Every row along the last axis is in [0, 1] and sums to 1 (within float rounding).
    static func isProbabilityRows(_ values: [Float], classes: Int) -> Bool {
        guard classes >= 2, !values.isEmpty, values.count % classes == 0 else { return false }
        for start in stride(from: 0, to: values.count, by: classes) {
            var sum: Float = 0
            for v in values[start..<start + classes] {
                guard v >= 0, v <= 1.0001 else { return false }
                sum += v
            }
            guard abs(sum - 1) < 1e-3 else { return false }
        }
        return true
    }

    /// One line per row, labelled by its index over the leading axes (`[3, 1]` for time 3, batch 1).
    private static func topClassLines(_ values: [Float], leadingShape: [Int], classes: Int) -> [String] {
        let rows = values.count / classes
        var lines: [String] = []
        for row in 0..<min(rows, maxRows) {
            let slice = values[row * classes..<(row + 1) * classes]
            let ranked = slice.indices.sorted { slice[$0] > slice[$1] }.prefix(topClasses)
            let text = ranked.map { "\($0 - row * classes) (\(Units.value(slice[$0])))" }.joined(separator: "  ")
            lines.append(rows == 1 ? "  top classes: \(text)" : "  \(Units.shape(index(row, in: leadingShape))): \(text)")
        }
        if rows > maxRows { lines.append("  … \(rows - maxRows) more rows (--output or --json has them all)") }
        return lines
    }

    /// The multi-index of flat position `flat` in a C-order array of `shape`.
    private static func index(_ flat: Int, in shape: [Int]) -> [Int] {
        var rest = flat
        var out = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            out[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return out
    }

    private static func abbreviated(_ items: [String]) -> String {
        if items.count <= maxValues { return "[" + items.joined(separator: ", ") + "]" }
        let head = items.prefix(maxValues / 2).joined(separator: ", ")
        let tail = items.suffix(2).joined(separator: ", ")
        return "[\(head), … \(items.count - maxValues / 2 - 2) more …, \(tail)]"
    }

    private static func statistics(_ values: [Float]) -> String {
        guard values.count > maxValues else { return "" }
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return "" }
        let mean = finite.reduce(0.0) { $0 + Double($1) } / Double(finite.count)
        return "  min \(Units.value(low))  max \(Units.value(high))  mean \(Units.value(Float(mean)))"
    }
}
