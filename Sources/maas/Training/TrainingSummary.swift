import MaaSTraining

/// What `maas train` reports at the end: the per-epoch table for people, or one JSON document with `--json`
/// (snake_case keys like the rest of the CLI's JSON).
struct TrainingSummary: Encodable {
    struct Epoch: Encodable {
        var epoch: Int
        var train_loss: Double
        var train_accuracy: Double
        var validation_loss: Double?
        var validation_accuracy: Double?
        var seconds: Double
    }

    /// Accuracy and per-class metrics of the compiled model on a held-out set.
    struct Evaluation: Encodable {
        var clips: Int
        var accuracy: Double
        var macro_f1: Double
        var per_class: [String: PerClass]

        struct PerClass: Encodable {
            var precision: Double
            var recall: Double
            var f1: Double
            var support: Int
        }

        init(_ report: ClassificationReport) {
            clips = report.total
            accuracy = report.accuracy
            macro_f1 = report.macro.f1
            per_class = Dictionary(uniqueKeysWithValues: report.classes.map {
                ($0.label, PerClass(precision: $0.precision, recall: $0.recall, f1: $0.f1, support: $0.support))
            })
        }
    }

    struct Registered: Encodable {
        var name: String
        var version: Int64
    }

    var labels: [String]
    var train_clips: Int
    var validation_clips: Int
    var epochs: [Epoch]
    var best_epoch: Int?
    var stopped_early: Bool
    var training_seconds: Double
    var output: String
    var onnx: String?
    var validation: Evaluation?
    var test: Evaluation?
    var registered: Registered?

    init(state: TrainingState, trainClips: Int, validationClips: Int, output: String, onnx: String?) {
        labels = state.labels
        train_clips = trainClips
        validation_clips = validationClips
        epochs = state.history.map {
            Epoch(epoch: $0.epoch, train_loss: $0.trainLoss, train_accuracy: $0.trainAccuracy,
                  validation_loss: $0.validationLoss, validation_accuracy: $0.validationAccuracy, seconds: $0.seconds)
        }
        best_epoch = state.best?.epoch
        stopped_early = state.stoppedEarly
        training_seconds = state.history.reduce(0) { $0 + $1.seconds }
        self.output = output
        self.onnx = onnx
    }

    /// The epoch table; the epoch whose weights were exported is marked with `*`.
    var epochTable: String {
        var table = Table(["epoch", "train loss", "train acc", "val loss", "val acc", "time"])
        for e in epochs {
            table.append([
                "\(e.epoch)\(e.epoch == best_epoch ? " *" : "")", EpochProgressLine.loss(e.train_loss),
                EpochProgressLine.accuracy(e.train_accuracy), e.validation_loss.map(EpochProgressLine.loss) ?? "-",
                e.validation_accuracy.map(EpochProgressLine.accuracy) ?? "-", "\(Units.oneDecimal(e.seconds)) s",
            ])
        }
        return table.render()
    }
}
