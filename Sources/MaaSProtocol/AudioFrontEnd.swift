import ProtoWire

/// `maas.v1.FeatureLayout`: how [T, F] features are shaped for the model.
public enum FeatureLayout: Int32, Sendable, CaseIterable {
    /// Inferred from the model's input shape at registration.
    case unspecified = 0
    /// [T, 1, F], sequence first (the ONNX LSTM/GRU default).
    case timeMajor = 1
    /// [1, T, F], batch first (Keras, PyTorch `batch_first=True`).
    case batchMajor = 2
    /// [T, F], no batch axis.
    case frames = 3

    public var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .timeMajor: "time-major"
        case .batchMajor: "batch-major"
        case .frames: "frames"
        }
    }
}

/// `maas.v1.MelScale`.
public enum MelScale: Int32, Sendable, CaseIterable {
    case slaney = 0
    case htk = 1

    public var name: String { self == .slaney ? "slaney" : "htk" }
}

/// `maas.v1.MelNormalization`.
public enum MelNormalization: Int32, Sendable, CaseIterable {
    case slaney = 0
    /// `MEL_NORMALIZATION_NONE`; not `.none`, which reads as `Optional.none` next to an optional.
    case unnormalized = 1

    public var name: String { self == .slaney ? "slaney" : "none" }
}

/// `maas.v1.AudioFrontEnd`: every parameter of a version's audio front-end, explicit. The server validates
/// the values; `MaaSModelConfig` maps them to and from the JSON users write.
public struct AudioFrontEnd: ProtoMessage, Equatable {
    public var sampleRate: Int32 = 0
    public var peakNormalize: Bool = false
    public var nFFT: Int32 = 0
    public var hopLength: Int32 = 0
    /// 0 = nFFT.
    public var winLength: Int32 = 0
    public var center: Bool = false
    public var power: Double = 0
    public var nMels: Int32 = 0
    public var fMin: Double = 0
    /// 0 = sampleRate / 2.
    public var fMax: Double = 0
    public var melScale: MelScale = .slaney
    public var melNormalization: MelNormalization = .slaney
    public var amin: Double = 0
    public var ref: Double = 0
    /// Negative = no floor.
    public var topDB: Double = 0
    public var nMFCC: Int32 = 0
    public var lifter: Double = 0
    public var layout: FeatureLayout = .unspecified
    /// The model input the features feed; empty = the model's only input.
    public var input: String = ""

    public init() {}

    public static let protoMessageName = "AudioFrontEnd"
    public static let protoFieldNames = [
        1: "sample_rate", 2: "peak_normalize", 3: "n_fft", 4: "hop_length", 5: "win_length", 6: "center",
        7: "power", 8: "n_mels", 9: "fmin", 10: "fmax", 11: "mel_scale", 12: "mel_normalization", 13: "amin",
        14: "ref", 15: "top_db", 16: "n_mfcc", 17: "lifter", 18: "layout", 19: "input",
    ]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: sampleRate = try reader.readInt32(field)
        case 2: peakNormalize = try reader.readBool(field)
        case 3: nFFT = try reader.readInt32(field)
        case 4: hopLength = try reader.readInt32(field)
        case 5: winLength = try reader.readInt32(field)
        case 6: center = try reader.readBool(field)
        case 7: power = try reader.readDouble(field)
        case 8: nMels = try reader.readInt32(field)
        case 9: fMin = try reader.readDouble(field)
        case 10: fMax = try reader.readDouble(field)
        case 11: melScale = try reader.readEnum(field, as: MelScale.self)
        case 12: melNormalization = try reader.readEnum(field, as: MelNormalization.self)
        case 13: amin = try reader.readDouble(field)
        case 14: ref = try reader.readDouble(field)
        case 15: topDB = try reader.readDouble(field)
        case 16: nMFCC = try reader.readInt32(field)
        case 17: lifter = try reader.readDouble(field)
        case 18: layout = try reader.readEnum(field, as: FeatureLayout.self)
        case 19: input = try reader.readString(field)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, int32: sampleRate)
        writer.write(2, bool: peakNormalize)
        writer.write(3, int32: nFFT)
        writer.write(4, int32: hopLength)
        writer.write(5, int32: winLength)
        writer.write(6, bool: center)
        writer.write(7, double: power)
        writer.write(8, int32: nMels)
        writer.write(9, double: fMin)
        writer.write(10, double: fMax)
        writer.write(11, enum: melScale.rawValue)
        writer.write(12, enum: melNormalization.rawValue)
        writer.write(13, double: amin)
        writer.write(14, double: ref)
        writer.write(15, double: topDB)
        writer.write(16, int32: nMFCC)
        writer.write(17, double: lifter)
        writer.write(18, enum: layout.rawValue)
        writer.write(19, string: input)
    }
}
