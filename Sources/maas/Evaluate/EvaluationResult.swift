import MaaSTraining

/// What an evaluation run found: every answered clip in the confusion matrix (over the model's labels), and
/// the clips that got no answer or a wrong one, in data order.
struct EvaluationResult {
    /// A clip without an answer: the call failed, the file could not be read, or the answer was unusable.
    struct Failure {
        var path: String
        var label: String
        /// The status name (`INVALID_ARGUMENT`), `FILE` for a local read failure, `RESPONSE` for an answer
        /// without a usable top class.
        var kind: String
        var message: String
    }

    /// An answered clip whose top class is not its directory's label.
    struct Miss {
        var path: String
        var label: String
        var predicted: String
        var probability: Float
    }

    var confusion: ConfusionMatrix
    var failures: [Failure] = []
    var misses: [Miss] = []
    var elapsed: Duration = .zero

    var answered: Int { confusion.total }
    var clips: Int { answered + failures.count }

    /// Correct answers over every clip, failed ones counted as wrong: what `--min-accuracy` is held to, so a
    /// run where half the clips fail cannot pass on the other half.
    var strictAccuracy: Double { clips == 0 ? 0 : Double(confusion.correct) / Double(clips) }
}
