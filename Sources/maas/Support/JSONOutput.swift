import Foundation

/// Prints `value` as one JSON document with sorted keys, so output is stable for scripts and diffs:
/// pretty-printed, or on one line (`compact`) for event lines a script reads one at a time.
enum JSONOutput {
    static func print(_ value: some Encodable, compact: Bool = false) throws(CLIError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = compact ? [.sortedKeys, .withoutEscapingSlashes] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Model outputs may hold NaN or infinities, which JSON has no numbers for.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            let data = try encoder.encode(value)
            Terminal.standardOutput.line(String(decoding: data, as: UTF8.self))
        } catch {
            throw CLIError("cannot encode the result as JSON: \(error)", exit: .failure)
        }
    }
}
