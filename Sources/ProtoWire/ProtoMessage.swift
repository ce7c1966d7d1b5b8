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

// The decoding entry points are inlinable so that each message type gets them specialized in the module that
// uses it: unspecialized, a decode called `decodeField` through the witness table and looked up `Optional<Self>`
// metadata for every embedded message (about 500 instructions each, counted by Benchmarks/profile/callgrind.sh).
extension ProtoMessage {
    public static var protoFieldNames: [Int: String] { [:] }

    public func validate() throws(ProtoDecodingError) {}

    /// Decodes a top-level message from `bytes`; the whole buffer counts against `limits.maxLength`.
    @inlinable
    public init(serializedBytes bytes: [UInt8], limits: ProtoLimits = .default) throws(ProtoDecodingError) {
        do throws(ProtoDecodingError) {
            guard bytes.count <= max(0, limits.maxLength) else {
                throw ProtoDecodingError(.tooLarge(length: UInt64(bytes.count), limit: limits.maxLength), offset: 0)
            }
            var reader = ProtoReader(bytes, limits: limits)
            try self.init(from: &reader)
        } catch var error {
            error.path.insert(Self.protoMessageName, at: 0)
            throw error
        }
    }

    /// Decodes a top-level message from a view's bytes in place: `bytes` fields read with `readBytesView`
    /// share the view's buffer. Error offsets count from the view's first byte, as for an array.
    @inlinable
    public init(serializedBytes view: ProtoReader.BytesView, limits: ProtoLimits = .default) throws(ProtoDecodingError) {
        do throws(ProtoDecodingError) {
            guard view.count <= max(0, limits.maxLength) else {
                throw ProtoDecodingError(
                    .tooLarge(length: UInt64(view.count), limit: limits.maxLength), offset: view.range.lowerBound)
            }
            var reader = ProtoReader(view, limits: limits)
            try self.init(from: &reader)
        } catch var error {
            error.offset -= view.range.lowerBound
            error.path.insert(Self.protoMessageName, at: 0)
            throw error
        }
    }

    /// Decodes every remaining field of `reader` as this message.
    @inlinable
    public init(from reader: inout ProtoReader) throws(ProtoDecodingError) {
        self.init()
        try merge(from: &reader)
    }

    /// Reads every remaining field of `reader` into this message, the way Google's parsers merge:
    /// scalars and oneof members overwrite, repeated fields and maps append, and embedded messages
    /// decoded with `decodeEmbedded(_:from:merging:)` merge into what is already there.
    @inlinable
    public mutating func merge(from reader: inout ProtoReader) throws(ProtoDecodingError) {
        while let field = try reader.nextField() {
            do throws(ProtoDecodingError) {
                if field.wireType == .startGroup || field.wireType == .endGroup {
                    throw ProtoReader.groupsError(field)
                }
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
    @inlinable
    public static func decodeEmbedded(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Self {
        try decodeEmbedded(field, from: &reader, merging: nil)
    }

    /// Decodes an embedded message field into `existing`: when a singular message field occurs more
    /// than once on the wire, protobuf merges the occurrences rather than keeping the last.
    @inlinable
    public static func decodeEmbedded(
        _ field: FieldTag, from reader: inout ProtoReader, merging existing: Self?
    ) throws(ProtoDecodingError) -> Self {
        var sub = try reader.readMessage(field)
        var message = existing ?? Self()
        try message.merge(from: &sub)
        return message
    }

    public func serializedBytes() -> [UInt8] {
        var writer = ProtoWriter()
        encode(to: &writer)
        return writer.bytes
    }
}
