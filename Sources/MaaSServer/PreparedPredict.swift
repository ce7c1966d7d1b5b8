import MaaSEngine
import MaaSProtocol
import MaaSRegistry

/// A Predict decoded and checked against the version it names, not yet run: what `ModelService.startPredict`
/// needs, and what the answer is built from. A class: it is handed from the reader to the worker and the
/// answer's closures, and a struct of this size costs two dozen reference counts per copy.
final class PreparedPredict: Sendable {
    let request: PredictRequest
    let stored: StoredVersion
    let plan: ServingPlan
    /// "'name' version N", for messages.
    let described: String
    /// The request's audio and its front-end; nil for a tensor request.
    let audio: AudioInput?
    /// The tensors sent, validated against the version's inputs (all of them but the audio input).
    let tensors: [String: HostTensor]

    init(
        request: PredictRequest, stored: StoredVersion, plan: ServingPlan, described: String, audio: AudioInput?,
        tensors: [String: HostTensor]
    ) {
        self.request = request
        self.stored = stored
        self.plan = plan
        self.described = described
        self.audio = audio
        self.tensors = tensors
    }

    /// How much input the call brings, for the cost of running it (`SoloCosts`): its clip's bytes, or its
    /// tensors' bytes.
    var work: (bytes: Int, kind: SoloCosts.Kind) {
        switch audio?.audio {
        case .file(let bytes): (bytes.count, .audioFile(bytes))
        case .pcm(let raw): (raw.samples.count, .rawAudio)
        case nil: (tensors.values.reduce(0) { $0 + $1.storedCount * ($1.elementType == .float32 ? 4 : 8) }, .tensors)
        }
    }
}

/// One Predict on its way through the inference pool, for whoever may cancel it (its deadline, its task).
///
/// Cancelling drops a job still waiting for a worker and takes the request out of its batch queue; a model
/// run already under way finishes and its answer is discarded.
final class PredictRun: Sendable {
    let flag = CancellationFlag()
    /// The batch queue the request joins, with the id it waits under.
    let batch: (queue: BatchQueue, id: UInt64)?

    init(batch: BatchQueue?) {
        self.batch = batch.map { ($0, $0.makeID()) }
    }

    var isCancelled: Bool { flag.isCancelled }

    func cancel() {
        flag.cancel()
        if let batch { batch.queue.cancel(batch.id) }
    }
}
