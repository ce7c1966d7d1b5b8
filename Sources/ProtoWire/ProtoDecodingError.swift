/// Why a buffer could not be decoded, where, and in which field.
///
/// Errors from nested messages keep the innermost offset and field and grow a path on the way out,
/// so a person reads e.g. `PredictRequest.inputs.tensor.shape: truncated varint at byte 42`.
public struct ProtoDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The buffer ended inside a key, a value or a declared length.
        case truncated
        /// A varint ran past 10 bytes, or overflowed its 64 (or 32) bits.
        case malformedVarint
        /// The key's low three bits are 6 or 7.
        case invalidWireType(UInt8)
        /// Field number 0 or beyond 2^29-1.
        case invalidFieldNumber(UInt64)
        /// A known field arrived with a wire type its declaration does not allow.
        case wrongWireType(expected: WireType, actual: WireType)
        /// A `string` field whose bytes are not valid UTF-8.
        case invalidUTF8
        /// Nested messages went deeper than the reader's depth limit.
        case tooDeep(limit: Int)
        /// A declared length (or the whole message) is larger than the limit allows.
        case tooLarge(length: UInt64, limit: Int)
        /// A packed fixed-width array whose length is not a multiple of the element size.
        case invalidPackedLength(length: Int, elementSize: Int)
        /// Groups (wire types 3/4) are a proto2 relic that maas never accepts.
        case groupsUnsupported
        /// A well-formed value that the message does not allow (message-level validation).
        case invalidValue(String)
    }

    public var kind: Kind
    /// Absolute byte offset, in the top-level buffer, where the problem was seen.
    public var offset: Int
    /// Innermost field number being read, if any.
    public var fieldNumber: Int?
    /// Path of `Message.field` names from the outermost message inwards.
    public var path: [String]

    public init(_ kind: Kind, offset: Int, fieldNumber: Int? = nil, path: [String] = []) {
        self.kind = kind
        self.offset = offset
        self.fieldNumber = fieldNumber
        self.path = path
    }

    public var what: String {
        switch kind {
        case .truncated: "truncated input"
        case .malformedVarint: "malformed varint"
        case .invalidWireType(let w): "invalid wire type \(w)"
        case .invalidFieldNumber(let n): "invalid field number \(n)"
        case .wrongWireType(let expected, let actual): "wrong wire type \(actual), expected \(expected)"
        case .invalidUTF8: "invalid UTF-8 in string"
        case .tooDeep(let limit): "messages nested deeper than \(limit)"
        case .tooLarge(let length, let limit): "length \(length) exceeds limit \(limit)"
        case .invalidPackedLength(let length, let size):
            "packed length \(length) is not a multiple of \(size)"
        case .groupsUnsupported: "groups are not supported"
        case .invalidValue(let message): message
        }
    }

    public var description: String {
        var location = ""
        if !path.isEmpty {
            location = path.joined(separator: ".") + ": "
        } else if let fieldNumber {
            location = "field \(fieldNumber): "
        }
        return "\(location)\(what) at byte \(offset)"
    }
}
