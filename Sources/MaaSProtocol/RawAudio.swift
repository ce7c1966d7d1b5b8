import ProtoWire

/// `maas.v1.RawAudio`: uncompressed little-endian float32 samples, interleaved when there are several channels.
public struct RawAudio: ProtoSizedMessage, Equatable {
    public var sampleRate: Int32 = 0
    /// 0 = 1.
    public var channels: Int32 = 0
    /// Left in the frame's buffer when decoded.
    public var samples: BytesView = []

    public init() {}

    public init(sampleRate: Int32, channels: Int32 = 1, samples: BytesView) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    /// Samples from an array of little-endian float32 bytes; the array is shared, not copied.
    public init(sampleRate: Int32, channels: Int32 = 1, samples: [UInt8]) {
        self.init(sampleRate: sampleRate, channels: channels, samples: BytesView(samples))
    }

    public static let protoMessageName = "RawAudio"
    public static let protoFieldNames = [1: "sample_rate", 2: "channels", 3: "samples"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: sampleRate = try reader.readInt32(field)
        case 2: channels = try reader.readInt32(field)
        case 3: samples = try reader.readBytesView(field)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, int32: sampleRate)
        writer.write(2, int32: channels)
        writer.write(3, bytes: samples)
    }

    public var serializedSize: Int {
        ProtoFieldSize.int32(1, sampleRate) + ProtoFieldSize.int32(2, channels) + ProtoFieldSize.bytes(3, count: samples.count)
    }
}
