/// A message type with a hand-written encoding.
///
/// Conformers implement `decodeField` for the fields they know (returning `false` for others, which are
/// skipped by wire type) and `encode(to:)` writing fields in field-number order.
public protocol ProtoMessage: Sendable {
    init()
    /// Name used in error paths, e.g. `PredictRequest`.
    static var protoMessageName: String { get }
    /// Field names used in error paths; a missing entry prints as `#<number>`.
    static var protoFieldNames: [Int: String] { get }

    /// Decodes one known field's value; returns false if the field is unknown to this message.
    mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool

    /// Checks invariants once all fields are read (e.g. a required oneof is set).
    func validate() throws(ProtoDecodingError)

    func encode(to writer: inout ProtoWriter)
}

extension ProtoMessage {
    public static var protoFieldNames: [Int: String] { [:] }

    public func validate() throws(ProtoDecodingError) {}

    /// Decodes a top-level message from `bytes`.
    public init(serializedBytes bytes: [UInt8], limits: ProtoLimits = .default) throws(ProtoDecodingError) {
        var reader = ProtoReader(bytes, limits: limits)
        do {
            try self.init(from: &reader)
        } catch var error {
            error.path.insert(Self.protoMessageName, at: 0)
            throw error
        }
    }

    /// Decodes every remaining field of `reader` as this message.
    public init(from reader: inout ProtoReader) throws(ProtoDecodingError) {
        self.init()
        while let field = try reader.nextField() {
            do {
                if try !decodeField(field, from: &reader) {
                    try reader.skip(field)
                }
            } catch var error {
                error.path.insert(Self.protoFieldNames[field.number] ?? "#\(field.number)", at: 0)
                if error.fieldNumber == nil { error.fieldNumber = field.number }
                throw error
            }
        }
        try validate()
    }

    /// Decodes an embedded message field.
    public static func decodeEmbedded(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Self {
        var sub = try reader.readMessage(field)
        return try Self(from: &sub)
    }

    public func serializedBytes() -> [UInt8] {
        var writer = ProtoWriter()
        encode(to: &writer)
        return writer.bytes
    }
}
