import ProtoWire

/// `maas.v1.Envelope`: what every frame carries, in both directions.
public struct Envelope: ProtoMessage, Equatable {
    /// Chosen by the client, unique among its calls in flight on one connection.
    public var callID: UInt64 = 0
    /// `/maas.v1.ModelService/<Method>` on a call's first request frame; empty otherwise.
    public var method: String = ""
    public var metadata: [String: String] = [:]
    /// The method's request or response message, left in the frame's buffer when decoded.
    public var payload: BytesView = []
    /// Present on the final response frame of a call.
    public var status: Status?
    public var endStream: Bool = false

    public init() {}

    public init(
        callID: UInt64, method: String = "", metadata: [String: String] = [:], payload: BytesView = [],
        status: Status? = nil, endStream: Bool = false
    ) {
        self.callID = callID
        self.method = method
        self.metadata = metadata
        self.payload = payload
        self.status = status
        self.endStream = endStream
    }

    /// An envelope around a serialized message; the array is shared, not copied.
    public init(
        callID: UInt64, method: String = "", metadata: [String: String] = [:], payload: [UInt8],
        status: Status? = nil, endStream: Bool = false
    ) {
        self.init(
            callID: callID, method: method, metadata: metadata, payload: BytesView(payload), status: status,
            endStream: endStream)
    }

    public static let protoMessageName = "Envelope"
    public static let protoFieldNames = [
        1: "call_id", 2: "method", 3: "metadata", 4: "payload", 5: "status", 6: "end_stream",
    ]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: callID = try reader.readUInt64(field)
        case 2: method = try reader.readString(field)
        case 3:
            let entry = try reader.readStringMapEntry(field)
            metadata[entry.key] = entry.value
        case 4: payload = try reader.readBytesView(field)
        case 5: status = try Status.decodeEmbedded(field, from: &reader, merging: status)
        case 6: endStream = try reader.readBool(field)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        encodeHead(to: &writer)
        writer.writeRawBytes(payload)
        encodeTail(to: &writer)
    }

    /// The fields before the payload's bytes (call_id, method, metadata, and the payload's key and length),
    /// so a frame encoder can copy the payload once, straight into its output, between head and tail.
    package func encodeHead(to writer: inout ProtoWriter) {
        writer.write(1, uint64: callID)
        writer.write(2, string: method)
        writer.write(3, stringMap: metadata)
        if !payload.isEmpty {
            writer.writeTag(4, .lengthDelimited)
            writer.writeRawVarint(UInt64(payload.count))
        }
    }

    /// The fields after the payload's bytes (status, end_stream).
    package func encodeTail(to writer: inout ProtoWriter) {
        if let status { writer.writeMessage(5, status) }
        writer.write(6, bool: endStream)
    }
}
