import ProtoWire

/// `maas.v1.PredictRequest`: tensor inputs, or audio for a version registered with an audio front-end.
public struct PredictRequest: ProtoSizedMessage, Equatable {
    /// The `audio` oneof.
    public enum Audio: Sendable, Equatable {
        /// The bytes of a WAV, FLAC, OGG/Vorbis, AIFF… file, left in the frame's buffer when decoded.
        case file(BytesView)
        case pcm(RawAudio)

        /// A file's bytes from an array, shared rather than copied.
        public static func file(_ bytes: [UInt8]) -> Audio { .file(BytesView(bytes)) }
    }

    public var name: String = ""
    /// 0 = the latest version.
    public var version: Int64 = 0
    public var inputs: [NamedTensor] = []
    public var audio: Audio?
    /// Return the features the model was fed.
    public var includeFeatures: Bool = false
    /// Labels to return; 0 = the version's top_k.
    public var topK: Int32 = 0

    public init() {}

    public init(
        name: String, version: Int64 = 0, inputs: [NamedTensor] = [], audio: Audio? = nil,
        includeFeatures: Bool = false, topK: Int32 = 0
    ) {
        self.name = name
        self.version = version
        self.inputs = inputs
        self.audio = audio
        self.includeFeatures = includeFeatures
        self.topK = topK
    }

    public static let protoMessageName = "PredictRequest"
    public static let protoFieldNames = [
        1: "name", 2: "version", 3: "inputs", 4: "audio_file", 5: "audio_pcm", 6: "include_features", 7: "top_k",
    ]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: name = try reader.readString(field)
        case 2: version = try reader.readInt64(field)
        case 3: inputs.append(try NamedTensor.decodeEmbedded(field, from: &reader))
        case 4: audio = .file(try reader.readBytesView(field))
        case 5:
            // A repeated oneof message merges into the earlier one, as protobuf's rules say.
            var current: RawAudio? = nil
            if case .pcm(let pcm) = audio { current = pcm }
            audio = .pcm(try RawAudio.decodeEmbedded(field, from: &reader, merging: current))
        case 6: includeFeatures = try reader.readBool(field)
        case 7: topK = try reader.readInt32(field)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, string: name)
        writer.write(2, int64: version)
        writer.write(3, messages: inputs)
        switch audio {
        // A oneof member is written even when empty: its presence is the information.
        case .file(let bytes): writer.writeLengthDelimited(4, bytes)
        case .pcm(let pcm): writer.writeMessage(5, pcm)
        case nil: break
        }
        writer.write(6, bool: includeFeatures)
        writer.write(7, int32: topK)
    }

    public var serializedSize: Int {
        let audioSize = switch audio {
        case .file(let bytes): ProtoFieldSize.lengthDelimited(4, count: bytes.count)
        case .pcm(let pcm): ProtoFieldSize.message(5, pcm)
        case nil: 0
        }
        return ProtoFieldSize.string(1, name) + ProtoFieldSize.int64(2, version) + ProtoFieldSize.messages(3, inputs)
            + audioSize + ProtoFieldSize.varint(6, includeFeatures ? 1 : 0) + ProtoFieldSize.int32(7, topK)
    }
}

/// `maas.v1.PredictResponse`.
public struct PredictResponse: ProtoSizedMessage, Equatable {
    public var name: String = ""
    /// The version actually used.
    public var version: Int64 = 0
    public var outputs: [NamedTensor] = []
    /// Best first, when the version has class labels.
    public var topClasses: [ClassScore] = []
    /// Greedy CTC decoding, when the version names a CTC blank.
    public var transcript: String = ""
    /// The [T, n_mfcc] features computed from the audio, when the request asked for them.
    public var features: Tensor?

    public init() {}

    public init(
        name: String, version: Int64, outputs: [NamedTensor], topClasses: [ClassScore] = [], transcript: String = "",
        features: Tensor? = nil
    ) {
        self.name = name
        self.version = version
        self.outputs = outputs
        self.topClasses = topClasses
        self.transcript = transcript
        self.features = features
    }

    public static let protoMessageName = "PredictResponse"
    public static let protoFieldNames = [
        1: "name", 2: "version", 3: "outputs", 4: "top_classes", 5: "transcript", 6: "features",
    ]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: name = try reader.readString(field)
        case 2: version = try reader.readInt64(field)
        case 3: outputs.append(try NamedTensor.decodeEmbedded(field, from: &reader))
        case 4: topClasses.append(try ClassScore.decodeEmbedded(field, from: &reader))
        case 5: transcript = try reader.readString(field)
        case 6: features = try Tensor.decodeEmbedded(field, from: &reader, merging: features)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, string: name)
        writer.write(2, int64: version)
        writer.write(3, messages: outputs)
        writer.write(4, messages: topClasses)
        writer.write(5, string: transcript)
        if let features { writer.writeMessage(6, features) }
    }

    public var serializedSize: Int {
        ProtoFieldSize.string(1, name) + ProtoFieldSize.int64(2, version) + ProtoFieldSize.messages(3, outputs)
            + ProtoFieldSize.messages(4, topClasses) + ProtoFieldSize.string(5, transcript)
            + ProtoFieldSize.message(6, features)
    }
}
