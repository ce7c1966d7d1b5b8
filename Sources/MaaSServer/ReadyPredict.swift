import MaaSEngine

/// A Predict `Connection.serveInline` found ready: decoded, checked, and entered in the call table.
struct ReadyPredict {
    let callID: UInt64
    let prepared: PreparedPredict
    let model: LoadedModel
    let batch: BatchQueue?
    let deadline: ContinuousClock.Instant?
    let context: CallContext
}

/// What `Connection.serveInline` did with a frame.
enum InlineOutcome {
    /// Not a ready Predict: the reader serves it.
    case leftToReader
    /// Started (or refused) without the reader.
    case started
    /// Light, and the server idle: `Connection.compute` may run it on the loop, or `start` hand it to a worker.
    case computable(ReadyPredict, estimate: Duration)
}
