import ArgumentParser

/// A `KEY=VALUE` command-line value (`--label team=speech`, `--input audio=clip.npy`), split at the first `=`.
struct KeyValue: Equatable {
    var key: String
    var value: String

    /// Parses every value of `option`, rejecting a missing `=`, an empty key or value, and repeated keys.
    static func parseAll(_ values: [String], option: String, form: String) throws -> [KeyValue] {
        var seen = Set<String>()
        return try values.map { text in
            guard let equals = text.firstIndex(of: "=") else {
                throw ValidationError("\(option) '\(text)' must have the form \(form)")
            }
            let pair = KeyValue(key: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
            guard !pair.key.isEmpty, !pair.value.isEmpty else {
                throw ValidationError("\(option) '\(text)' must have the form \(form), both parts non-empty")
            }
            guard seen.insert(pair.key).inserted else {
                throw ValidationError("\(option) names '\(pair.key)' more than once")
            }
            return pair
        }
    }
}
