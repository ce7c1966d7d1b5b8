extension ProtoReader {
    /// Reads one `map<string,string>` entry (key = 1, value = 2; either may be absent and defaults to "").
    ///
    /// Errors inside the entry name `key` or `value` in their path, so a caller's path reads
    /// e.g. `Envelope.metadata.key`.
    public mutating func readStringMapEntry(_ field: FieldTag) throws(ProtoDecodingError) -> (key: String, value: String) {
        var entry = try readMessage(field)
        var key = ""
        var value = ""
        while let inner = try entry.nextField() {
            do throws(ProtoDecodingError) {
                switch inner.number {
                case 1: key = try entry.readString(inner)
                case 2: value = try entry.readString(inner)
                default: try entry.skip(inner)
                }
            } catch var error {
                let name = switch inner.number {
                case 1: "key"
                case 2: "value"
                default: "#\(inner.number)"
                }
                error.path.insert(name, at: 0)
                if error.fieldNumber == nil { error.fieldNumber = inner.number }
                throw error
            }
        }
        return (key, value)
    }
}
