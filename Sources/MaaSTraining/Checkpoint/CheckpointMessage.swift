import MaaSProtocol
import ProtoWire

/// A checkpoint file's bytes: one protobuf message (hand-coded like the rest of maas) holding a whole
/// `TrainingState`. Numbers are stored in their exact binary form — floats and doubles as fixed-width bits,
/// the generator's words as fixed64 — so a decoded state is bit-identical to the saved one.
///
///     message TrainingCheckpoint {
///       uint32 version = 1;                               // 1
///       uint64 hidden = 2; uint64 dense = 3; uint64 epochs = 4; uint64 batch_size = 5;
///       double learning_rate = 6; double beta1 = 7; double beta2 = 8; double epsilon = 9;
///       double clip_norm = 10;                            // 0 = no clipping
///       uint64 patience = 11;                             // 0 = no early stopping
///       uint64 seed = 12; ClipDecision clip_decision = 13;
///       uint64 features = 14; repeated string labels = 15;
///       repeated float mean = 16; repeated float scale = 17;
///       repeated float parameters = 18; repeated float adam_m = 19; repeated float adam_v = 20; uint64 adam_step = 21;
///       repeated fixed64 generator = 22;
///       repeated Epoch history = 23;                     // {epoch 1, train_loss 2, train_accuracy 3,
///                                                        //  validation_loss 4, validation_accuracy 5, seconds 6}
///       Best best = 24;                                  // {epoch 1, validation_loss 2, repeated float parameters 3}
///       uint64 epochs_without_improvement = 25; bool stopped_early = 26; fixed64 data_fingerprint = 27;
///       uint64 augment_shift = 28; double augment_noise = 29;  // 0 = off
///     }
struct CheckpointMessage: ProtoMessage {
    static let currentVersion: UInt32 = 1

    var version: UInt32 = 0
    var hidden: UInt64 = 0, dense: UInt64 = 0, epochs: UInt64 = 0, batchSize: UInt64 = 0
    var learningRate = 0.0, beta1 = 0.0, beta2 = 0.0, epsilon = 0.0, clipNorm = 0.0
    var patience: UInt64 = 0, seed: UInt64 = 0
    var clipDecision: Int32 = 0
    var features: UInt64 = 0
    var labels: [String] = []
    var mean: [Float] = [], scale: [Float] = []
    var parameters: [Float] = [], adamM: [Float] = [], adamV: [Float] = []
    var adamStep: UInt64 = 0
    var generator: [UInt64] = []
    var history: [EpochMessage] = []
    var best: BestMessage? = nil
    var epochsWithoutImprovement: UInt64 = 0
    var stoppedEarly = false
    var dataFingerprint: UInt64 = 0
    var augmentShift: UInt64 = 0
    var augmentNoise = 0.0

    static let protoMessageName = "TrainingCheckpoint"
    static let protoFieldNames: [Int: String] = [
        1: "version", 2: "hidden", 3: "dense", 4: "epochs", 5: "batch_size", 6: "learning_rate", 7: "beta1", 8: "beta2",
        9: "epsilon", 10: "clip_norm", 11: "patience", 12: "seed", 13: "clip_decision", 14: "features", 15: "labels",
        16: "mean", 17: "scale", 18: "parameters", 19: "adam_m", 20: "adam_v", 21: "adam_step", 22: "generator",
        23: "history", 24: "best", 25: "epochs_without_improvement", 26: "stopped_early", 27: "data_fingerprint",
        28: "augment_shift", 29: "augment_noise",
    ]

    mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: version = try reader.readUInt32(field)
        case 2: hidden = try reader.readUInt64(field)
        case 3: dense = try reader.readUInt64(field)
        case 4: epochs = try reader.readUInt64(field)
        case 5: batchSize = try reader.readUInt64(field)
        case 6: learningRate = try reader.readDouble(field)
        case 7: beta1 = try reader.readDouble(field)
        case 8: beta2 = try reader.readDouble(field)
        case 9: epsilon = try reader.readDouble(field)
        case 10: clipNorm = try reader.readDouble(field)
        case 11: patience = try reader.readUInt64(field)
        case 12: seed = try reader.readUInt64(field)
        case 13: clipDecision = try reader.readEnum(field)
        case 14: features = try reader.readUInt64(field)
        case 15: labels.append(try reader.readString(field))
        case 16: try reader.readRepeatedFloat(field, into: &mean)
        case 17: try reader.readRepeatedFloat(field, into: &scale)
        case 18: try reader.readRepeatedFloat(field, into: &parameters)
        case 19: try reader.readRepeatedFloat(field, into: &adamM)
        case 20: try reader.readRepeatedFloat(field, into: &adamV)
        case 21: adamStep = try reader.readUInt64(field)
        case 22: try reader.readRepeatedFixed64(field, into: &generator)
        case 23: history.append(try EpochMessage.decodeEmbedded(field, from: &reader))
        case 24: best = try BestMessage.decodeEmbedded(field, from: &reader, merging: best)
        case 25: epochsWithoutImprovement = try reader.readUInt64(field)
        case 26: stoppedEarly = try reader.readBool(field)
        case 27: dataFingerprint = try reader.readFixed64(field)
        case 28: augmentShift = try reader.readUInt64(field)
        case 29: augmentNoise = try reader.readDouble(field)
        default: return false
        }
        return true
    }

    func encode(to writer: inout ProtoWriter) {
        writer.write(1, uint32: version)
        writer.write(2, uint64: hidden)
        writer.write(3, uint64: dense)
        writer.write(4, uint64: epochs)
        writer.write(5, uint64: batchSize)
        writer.write(6, double: learningRate)
        writer.write(7, double: beta1)
        writer.write(8, double: beta2)
        writer.write(9, double: epsilon)
        writer.write(10, double: clipNorm)
        writer.write(11, uint64: patience)
        writer.write(12, uint64: seed)
        writer.write(13, enum: clipDecision)
        writer.write(14, uint64: features)
        writer.write(15, strings: labels)
        writer.writePacked(16, float: mean)
        writer.writePacked(17, float: scale)
        writer.writePacked(18, float: parameters)
        writer.writePacked(19, float: adamM)
        writer.writePacked(20, float: adamV)
        writer.write(21, uint64: adamStep)
        writer.writePacked(22, fixed64: generator)
        writer.write(23, messages: history)
        if let best { writer.writeMessage(24, best) }
        writer.write(25, uint64: epochsWithoutImprovement)
        writer.write(26, bool: stoppedEarly)
        writer.write(27, fixed64: dataFingerprint)
        writer.write(28, uint64: augmentShift)
        writer.write(29, double: augmentNoise)
    }

    struct EpochMessage: ProtoMessage {
        var epoch: UInt64 = 0
        var trainLoss = 0.0, trainAccuracy = 0.0
        var validationLoss: Double? = nil, validationAccuracy: Double? = nil
        var seconds = 0.0

        static let protoMessageName = "Epoch"
        static let protoFieldNames: [Int: String] = [
            1: "epoch", 2: "train_loss", 3: "train_accuracy", 4: "validation_loss", 5: "validation_accuracy", 6: "seconds",
        ]

        mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
            switch field.number {
            case 1: epoch = try reader.readUInt64(field)
            case 2: trainLoss = try reader.readDouble(field)
            case 3: trainAccuracy = try reader.readDouble(field)
            case 4: validationLoss = try reader.readDouble(field)
            case 5: validationAccuracy = try reader.readDouble(field)
            case 6: seconds = try reader.readDouble(field)
            default: return false
            }
            return true
        }

        func encode(to writer: inout ProtoWriter) {
            writer.write(1, uint64: epoch)
            writer.write(2, double: trainLoss)
            writer.write(3, double: trainAccuracy)
            // Present-or-absent: written even when 0.
            if let validationLoss { writer.writePresent(4, double: validationLoss) }
            if let validationAccuracy { writer.writePresent(5, double: validationAccuracy) }
            writer.write(6, double: seconds)
        }
    }

    struct BestMessage: ProtoMessage {
        var epoch: UInt64 = 0
        var validationLoss = 0.0
        var parameters: [Float] = []

        static let protoMessageName = "Best"
        static let protoFieldNames: [Int: String] = [1: "epoch", 2: "validation_loss", 3: "parameters"]

        mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
            switch field.number {
            case 1: epoch = try reader.readUInt64(field)
            case 2: validationLoss = try reader.readDouble(field)
            case 3: try reader.readRepeatedFloat(field, into: &parameters)
            default: return false
            }
            return true
        }

        func encode(to writer: inout ProtoWriter) {
            writer.write(1, uint64: epoch)
            writer.write(2, double: validationLoss)
            writer.writePacked(3, float: parameters)
        }
    }
}
