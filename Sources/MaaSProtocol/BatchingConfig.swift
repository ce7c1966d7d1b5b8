import ProtoWire

/// `maas.v1.BatchingConfig`: a version's own dynamic-batching settings; unset fields follow the server's.
public struct BatchingConfig: ProtoMessage, Equatable {
    /// 0 = the server's maximum, 1 = no batching for this version.
    public var maxBatchSize: Int32 = 0
    /// The `delay` oneof: nil = the server's delay.
    public var maxQueueDelayMicroseconds: Int64?
    /// The `padding` oneof: whether requests of different lengths may share a padded batch; nil = the server's.
    public var padSequences: Bool?

    public init() {}

    public init(maxBatchSize: Int32 = 0, maxQueueDelayMicroseconds: Int64? = nil, padSequences: Bool? = nil) {
        self.maxBatchSize = maxBatchSize
        self.maxQueueDelayMicroseconds = maxQueueDelayMicroseconds
        self.padSequences = padSequences
    }

    public static let protoMessageName = "BatchingConfig"
    public static let protoFieldNames = [1: "max_batch_size", 2: "max_queue_delay_us", 3: "pad_sequences"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: maxBatchSize = try reader.readInt32(field)
        case 2: maxQueueDelayMicroseconds = try reader.readInt64(field)
        case 3: padSequences = try reader.readBool(field)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, int32: maxBatchSize)
        // A oneof member is written even when zero: its presence is the information.
        if let maxQueueDelayMicroseconds { writer.writePresent(2, int64: maxQueueDelayMicroseconds) }
        if let padSequences { writer.writePresent(3, bool: padSequences) }
    }
}
