import Logging
import MaaSAudio
import MaaSEngine
import MaaSProtocol
import MaaSRegistry
import NIOPosix

/// The methods of `maas.v1.ModelService`: decodes a call's request, does the work off the event loops and
/// returns the serialized response. Errors are thrown as they are; `RPCError(converting:)` turns them into
/// statuses in one place.
struct ModelService: Sendable {
    let registry: ModelRegistry
    /// Disk I/O, compilation and model loading.
    let blockingPool: NIOThreadPool
    let inference: InferencePool
    let models: ModelCache
    let plans = ServingPlans()
    let batches: BatchQueues
    let counts: CallCounts
    /// Whether an idle server computes a light Predict on the loop that read it.
    let loopCompute: LoopCompute
    /// Limits on Predict's audio input.
    let audioLimits: AudioLimits

    func handle(_ call: CallContext, request: Envelope, uploads: UploadStream?) async throws -> [UInt8] {
        switch call.method {
        case .listVersions:
            return try await listVersions(call, payload: request.payload)
        case .predict:
            // Decoded in place: the request's tensors and audio stay views of the frame's bytes.
            return try await predict(call, payload: request.payload)
        case .registerModel:
            guard let uploads else {
                preconditionFailure("RegisterModel is client-streaming; the call table always gives it a stream")
            }
            return try await registerModel(call, first: request, uploads: uploads)
        }
    }

    /// Runs blocking work on the blocking pool. If the call is cancelled first, the work does not start.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await blockingPool.runIfActive(body)
    }

    /// Runs work that must happen even for a cancelled call (clean-up), without waiting for it.
    func blockingDetached(_ body: @escaping @Sendable () -> Void) {
        blockingPool.submit { _ in body() }
    }
}
