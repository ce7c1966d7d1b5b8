import ProtoWire

/// `maas.v1.ClipDecision`: how per-frame scores become one answer for a clip.
public enum ClipDecision: Int32, Sendable, CaseIterable {
    /// Mean of the per-frame log-probabilities.
    case meanLogProb = 0
    /// The last frame's probabilities.
    case lastFrame = 1

    public var name: String { self == .meanLogProb ? "mean-log-prob" : "last-frame" }
}

/// `maas.v1.ClassLabels`: the class names of a classifier output and how answers are read from it.
public struct ClassLabels: ProtoMessage, Equatable {
    /// Label of class index i.
    public var names: [String] = []
    /// The output holding class scores; empty = the only output whose last dimension fits `names`.
    public var output: String = ""
    public var clipDecision: ClipDecision = .meanLogProb
    /// 0 = 5.
    public var topK: Int32 = 0
    /// The CTC blank's class index when the output is per-frame CTC (the `ctc` oneof).
    public var ctcBlank: Int32?

    public init() {}

    public init(
        names: [String], output: String = "", clipDecision: ClipDecision = .meanLogProb, topK: Int32 = 0,
        ctcBlank: Int32? = nil
    ) {
        self.names = names
        self.output = output
        self.clipDecision = clipDecision
        self.topK = topK
        self.ctcBlank = ctcBlank
    }

    public static let protoMessageName = "ClassLabels"
    public static let protoFieldNames = [1: "names", 2: "output", 3: "clip_decision", 4: "top_k", 5: "ctc_blank"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: names.append(try reader.readString(field))
        case 2: output = try reader.readString(field)
        case 3: clipDecision = try reader.readEnum(field, as: ClipDecision.self)
        case 4: topK = try reader.readInt32(field)
        case 5: ctcBlank = try reader.readInt32(field)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, strings: names)
        writer.write(2, string: output)
        writer.write(3, enum: clipDecision.rawValue)
        writer.write(4, int32: topK)
        // A oneof member is written even when zero: its presence is the information.
        if let ctcBlank { writer.writePresent(5, int64: Int64(ctcBlank)) }
    }
}

/// `maas.v1.ClassScore`: one of a prediction's top classes.
public struct ClassScore: ProtoSizedMessage, Equatable {
    public var index: Int32 = 0
    public var label: String = ""
    public var probability: Float = 0

    public init() {}

    public init(index: Int32, label: String, probability: Float) {
        self.index = index
        self.label = label
        self.probability = probability
    }

    public static let protoMessageName = "ClassScore"
    public static let protoFieldNames = [1: "index", 2: "label", 3: "probability"]

    public mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: index = try reader.readInt32(field)
        case 2: label = try reader.readString(field)
        case 3: probability = try reader.readFloat(field)
        default: return false
        }
        return true
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.write(1, int32: index)
        writer.write(2, string: label)
        writer.write(3, float: probability)
    }

    public var serializedSize: Int {
        ProtoFieldSize.int32(1, index) + ProtoFieldSize.string(2, label) + ProtoFieldSize.float(3, probability)
    }
}
