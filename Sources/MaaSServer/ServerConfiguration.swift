import MaaSProtocol
import NIOCore

/// Everything an operator can tune about a `ModelServer`. The defaults are what `maas serve` uses.
public struct ServerConfiguration: Sendable {
    /// Address to listen on. Default `127.0.0.1`: only local clients until the server authenticates callers.
    public var host: String = "127.0.0.1"
    /// TCP port. Default 7070; 0 picks any free port (reported through `run`'s `onListening`).
    public var port: Int = 7070
    /// Directory of the model registry. Default `./maas-data`.
    public var dataDirectory: String = "./maas-data"
    /// Largest frame body the server accepts or sends, in bytes. Default 8 MiB.
    /// A longer frame is refused from its length prefix (RESOURCE_EXHAUSTED, call_id 0) and the connection closed.
    public var maxFrameSize: Int = Framing.defaultMaxFrameSize
    /// Threads running Predict. Default: one per core available to the process (`maas serve` divides the
    /// cores by `blasThreadsPerWorker` and refuses more compute threads than cores).
    public var inferenceWorkers: Int = System.coreCount
    /// OpenBLAS threads each worker's kernels may use. Default 1: parallelism comes from the workers, and
    /// OpenBLAS's thread pool is process-wide, so more pays only with few workers and large batches.
    public var blasThreadsPerWorker: Int = 1
    /// Predict calls that may wait for a free worker. Default 64. Beyond it a Predict gets RESOURCE_EXHAUSTED at once.
    public var inferenceQueueDepth: Int = 64
    /// Threads for blocking work: registry disk I/O, model compilation and loading. Default: one per core, at least 2.
    public var blockingThreads: Int = max(2, System.coreCount)
    /// Largest model upload, in bytes. Default 4 GiB.
    public var maxModelSizeBytes: UInt64 = 4 << 30
    /// Calls in flight on one connection. Default 128. Beyond it a new call gets RESOURCE_EXHAUSTED.
    public var maxCallsPerConnection: Int = 128
    /// Upload bytes one connection may hold for handlers that have not consumed them yet. Default 16 MiB.
    /// Past it the server stops reading that connection until the handlers catch up (TCP pushes back on the client).
    public var uploadBufferBytesPerConnection: Int = 16 << 20
    /// Deadline of calls whose `timeout-ms` metadata is absent. Default nil: no deadline.
    /// When both are present the shorter applies.
    public var defaultTimeout: Duration? = nil
    /// How long `beginShutdown` lets in-flight calls finish before closing connections anyway. Default 30 s.
    public var shutdownGracePeriod: Duration = .seconds(30)
    /// Longest audio clip Predict accepts, in seconds. Default 60. Longer clips get INVALID_ARGUMENT, known
    /// from the file's header before anything is decoded.
    public var maxAudioSeconds: Double = 60
    /// Most rows one batch of a version holds. Default 8; 1 turns dynamic batching off.
    /// Measured (`Benchmarks/batching.sh`): on the reference speech LSTM the engine's cost per row stops falling
    /// at about 4 rows, and a batch that takes every waiting row leaves the other workers idle; 8 gave the
    /// most req/s and the lowest p99 at concurrency 8 and 32 (32 was 9 % slower at c=32). Larger models
    /// may gain from more: `maas register --max-batch-size` sets a version's own.
    /// Concurrent Predicts of a version whose inputs differ only along the batch axis (audio clips of the same
    /// length, for a model whose input has a dynamic batch axis) are run as one batch and split back.
    public var maxBatchSize: Int = 8
    /// How long the oldest waiting request may wait for more to join its batch. Default 0: a batch takes what
    /// queued up while the workers were busy, so an idle server adds no latency.
    public var maxQueueDelay: Duration = .zero
    /// Whether requests whose sequences differ in length may share a batch, the shorter ones padded, for the
    /// versions where the probe saw padding change no answer (`SequencePadding`). Default on; off, only
    /// requests of equal length share a batch.
    public var batchPadding = true
    /// The longest a Predict may be expected to take (by its version's earlier calls that ran alone) for an
    /// idle server to compute it on the event loop that read it rather than wake a worker (`LoopCompute`).
    /// Default 500 µs; zero turns it off. Measured on the reference speech model at concurrency 1 (2 cores):
    /// about 40 µs less server CPU and 30 µs less latency per call. A call that arrives on the same loop
    /// meanwhile waits at most about this long.
    public var loopComputeLimit: Duration = .microseconds(500)
    /// How long after two Predicts overlapped the loops leave lone calls to the workers (`LoopCompute`). Not an
    /// option: tests set it to tell an overlap's effect from the passing of time.
    var loopComputeOverlapMemory: Duration = LoopCompute.defaultOverlapMemory

    public init() {}

    public init(host: String = "127.0.0.1", port: Int = 7070, dataDirectory: String = "./maas-data") {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
    }

    /// Rejects values the server cannot run with, naming the setting.
    func validate() throws(RPCError) {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws(RPCError) {
            if !ok { throw RPCError(.invalidArgument, message()) }
        }
        try check((0...65535).contains(port), "port \(port) is outside 0…65535")
        try check(!host.isEmpty, "host is empty")
        try check(!dataDirectory.isEmpty, "data directory is empty")
        try check(
            maxFrameSize >= 64 && maxFrameSize <= Int(UInt32.max),
            "max frame size \(maxFrameSize) is outside 64…\(UInt32.max) bytes")
        try check(inferenceWorkers >= 1, "inference workers must be at least 1, not \(inferenceWorkers)")
        try check(blasThreadsPerWorker >= 1, "BLAS threads per worker must be at least 1, not \(blasThreadsPerWorker)")
        try check(inferenceQueueDepth >= 0, "inference queue depth must not be negative, not \(inferenceQueueDepth)")
        try check(blockingThreads >= 1, "blocking threads must be at least 1, not \(blockingThreads)")
        try check(maxModelSizeBytes > 0, "max model size must be positive")
        try check(maxCallsPerConnection >= 1, "max calls per connection must be at least 1, not \(maxCallsPerConnection)")
        try check(uploadBufferBytesPerConnection >= 1, "upload buffer per connection must be at least 1 byte")
        if let defaultTimeout {
            try check(defaultTimeout > .zero, "default timeout must be positive, not \(defaultTimeout)")
        }
        try check(shutdownGracePeriod >= .zero, "shutdown grace period must not be negative")
        try check((1...4096).contains(maxBatchSize), "max batch size must be between 1 and 4096, not \(maxBatchSize)")
        try check(maxQueueDelay >= .zero && maxQueueDelay <= .seconds(1), "max queue delay must be between 0 and 1 s")
        try check(
            loopComputeLimit >= .zero && loopComputeLimit <= .milliseconds(100),
            "loop compute limit must be between 0 and 100 ms, not \(loopComputeLimit)")
        try check(
            maxAudioSeconds.isFinite && maxAudioSeconds > 0 && maxAudioSeconds <= 3600,
            "max audio seconds must be between 0 and 3600, not \(maxAudioSeconds)")
    }
}
