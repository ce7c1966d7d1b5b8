/// Rules for model names: 1–128 characters of ASCII letters, digits, `.`, `_`, `-`, not starting with `.`.
/// Names become directory names in the registry, so the rule also keeps them path-safe.
public enum ModelName {
    public static let maxLength = 128

    /// Throws INVALID_ARGUMENT explaining what is wrong with `name`.
    public static func validate(_ name: String) throws(RPCError) {
        let scalars = name.unicodeScalars
        guard !scalars.isEmpty else {
            throw RPCError(.invalidArgument, "model name is empty; use 1–128 letters, digits, '.', '_' or '-'")
        }
        guard scalars.count <= maxLength else {
            throw RPCError(.invalidArgument, "model name is \(scalars.count) characters long; the limit is \(maxLength)")
        }
        guard scalars.first != "." else {
            throw RPCError(.invalidArgument, "model name '\(name)' starts with '.'; it must start with a letter, digit, '_' or '-'")
        }
        for scalar in scalars where !isAllowed(scalar) {
            throw RPCError(
                .invalidArgument,
                "model name '\(name)' contains '\(scalar.escaped(asASCII: true))'; use only letters, digits, '.', '_' or '-'")
        }
    }

    private static func isAllowed(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }
}
