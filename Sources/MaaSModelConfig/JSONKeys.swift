/// Any JSON object key, so a decoder can list the keys it was given and refuse the ones it does not know:
/// a misspelt `n_fft` must not silently fall back to a default.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

enum JSONKeys {
    /// Throws when `decoder`'s object has a key outside `known`, naming the closest known key when one
    /// differs only in case and underscores (`n_fft` → `nFFT`).
    static func rejectUnknown(in decoder: any Decoder, known: [String], object: String) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys where !known.contains(key.stringValue) {
            let folded = fold(key.stringValue)
            if let suggestion = known.first(where: { fold($0) == folded }) {
                throw ConfigError("unknown key '\(key.stringValue)' in \(object); did you mean '\(suggestion)'?")
            }
            throw ConfigError(
                "unknown key '\(key.stringValue)' in \(object); known keys: \(known.joined(separator: ", "))")
        }
    }

    private static func fold(_ key: String) -> String {
        String(key.lowercased().filter { $0 != "_" && $0 != "-" })
    }
}
