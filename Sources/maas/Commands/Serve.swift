import ArgumentParser
import Logging
import MaaSProtocol
import MaaSEngine
import MaaSServer
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the maas server until SIGINT or SIGTERM.",
        discussion: """
            Prints "maas listening on HOST:PORT" once the port is bound (with --json, one JSON line). \
            On SIGINT/SIGTERM it stops accepting connections, lets calls in flight finish, and exits 0; \
            a second signal exits at once. Logs go to stderr.
            """)

    @OptionGroup var address: AddressOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Where the model registry lives.", valueName: "dir"))
    var dataDirectory = ServerConfiguration().dataDirectory

    @Option(help: "Inference worker threads (default: the cores divided by --blas-threads).")
    var workers: Int?

    @Option(name: .customLong("blas-threads"), help: ArgumentHelp("OpenBLAS threads per worker; workers × this may not exceed the cores.", valueName: "n"))
    var blasThreads = ServerConfiguration().blasThreadsPerWorker

    @Option(name: .customLong("queue-depth"), help: "Predict calls that may wait for a worker before RESOURCE_EXHAUSTED.")
    var queueDepth = ServerConfiguration().inferenceQueueDepth

    @Option(name: .customLong("max-frame-size"), help: ArgumentHelp("Largest frame accepted, in bytes.", valueName: "bytes"))
    var maxFrameSize = ServerConfiguration().maxFrameSize

    @Option(name: .customLong("max-audio-seconds"), help: ArgumentHelp("Longest audio clip Predict accepts.", valueName: "seconds"))
    var maxAudioSeconds = ServerConfiguration().maxAudioSeconds

    @Option(name: .customLong("max-batch-size"), help: ArgumentHelp("Most requests of one version run as one batch (1 turns batching off).", valueName: "rows"))
    var maxBatchSize = ServerConfiguration().maxBatchSize

    @Option(name: .customLong("max-queue-delay-us"), help: ArgumentHelp("How long a request may wait for others to join its batch (0: only those already waiting).", valueName: "µs"))
    var maxQueueDelayMicroseconds = 0

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Let requests of different lengths share a batch, the shorter padded, for models where padding was seen to change no answer."))
    var batchPadding = true

    @Option(name: .customLong("loop-compute-us"), help: ArgumentHelp(
        "When nothing else runs, a Predict expected to take at most this long is computed on the thread that read it instead of waking a worker (0: never).",
        valueName: "µs"))
    var loopComputeMicroseconds = Int(ServerConfiguration().loopComputeLimit / .microseconds(1))

    @Option(name: .customLong("log-level"), help: "How much the server logs to stderr.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, not \(workers)") }
        try Self.checkComputeThreads(workers: workers, blasThreads: blasThreads, cores: System.coreCount)
        guard queueDepth >= 0 else { throw ValidationError("--queue-depth must not be negative, not \(queueDepth)") }
        guard (64...Int(UInt32.max)).contains(maxFrameSize) else {
            throw ValidationError("--max-frame-size must be between 64 and \(UInt32.max) bytes, not \(maxFrameSize)")
        }
        guard (1...4096).contains(maxBatchSize) else {
            throw ValidationError("--max-batch-size must be between 1 and 4096, not \(maxBatchSize)")
        }
        guard (0...1_000_000).contains(maxQueueDelayMicroseconds) else {
            throw ValidationError("--max-queue-delay-us must be between 0 and 1000000, not \(maxQueueDelayMicroseconds)")
        }
        guard (0...100_000).contains(loopComputeMicroseconds) else {
            throw ValidationError("--loop-compute-us must be between 0 and 100000, not \(loopComputeMicroseconds)")
        }
        guard maxAudioSeconds.isFinite, maxAudioSeconds > 0, maxAudioSeconds <= 3600 else {
            throw ValidationError("--max-audio-seconds must be above 0 and at most 3600, not \(maxAudioSeconds)")
        }
        guard !dataDirectory.isEmpty else { throw ValidationError("--data-dir must not be empty") }
    }

    /// Workers × BLAS threads are compute threads: more than the cores only makes them take turns (and
    /// OpenBLAS threads that spin while they wait), so it is refused rather than run slower than asked.
    static func checkComputeThreads(workers: Int?, blasThreads: Int, cores: Int) throws(ValidationError) {
        guard (1...max(1, cores)).contains(blasThreads) else {
            throw ValidationError("--blas-threads must be between 1 and the \(cores) cores, not \(blasThreads)")
        }
        if let workers, workers * blasThreads > cores {
            throw ValidationError(
                "--workers \(workers) × --blas-threads \(blasThreads) = \(workers * blasThreads) compute threads, more than "
                    + "this machine's \(cores) cores; lower --workers (default: cores ÷ --blas-threads = \(max(1, cores / blasThreads)))")
        }
    }

    func run() async throws {
        BLASEnvironment.selectCoreTypeOrReexec()
        try await CLIError.reporting {
            let level = logLevel
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "maas")
            logger.info("OpenBLAS kernels selected", metadata: ["blas.core": "\(BLASCoreSelection.activeCoreName)"])
            var configuration = ServerConfiguration(host: address.host, port: address.port, dataDirectory: dataDirectory)
            configuration.inferenceWorkers = workers ?? max(1, System.coreCount / blasThreads)
            configuration.blasThreadsPerWorker = blasThreads
            configuration.inferenceQueueDepth = queueDepth
            configuration.maxFrameSize = maxFrameSize
            configuration.maxAudioSeconds = maxAudioSeconds
            configuration.maxBatchSize = maxBatchSize
            configuration.maxQueueDelay = .microseconds(maxQueueDelayMicroseconds)
            configuration.batchPadding = batchPadding
            configuration.loopComputeLimit = .microseconds(loopComputeMicroseconds)

            let server: ModelServer
            do {
                server = try ModelServer(configuration: configuration, logger: logger)
            } catch {
                throw Self.startupFailure(error, what: "cannot open the registry in '\(dataDirectory)'")
            }
            let trap = SignalTrap([SIGINT, SIGTERM]) { _ in server.beginShutdown() }
            defer { trap.cancel() }
            let host = address.host
            let json = output.json
            do {
                try await server.run { port in
                    if json {
                        try? JSONOutput.print(Listening(host: host, port: port), compact: true)
                    } else {
                        Terminal.standardOutput.line("maas listening on \(AddressOptions.display(host: host, port: port))")
                    }
                }
            } catch {
                throw Self.startupFailure(error, what: "cannot serve on \(address.display)")
            }
        }
    }

    private struct Listening: Encodable {
        var event = "listening"
        var host: String
        var port: Int
    }

    private static func startupFailure(_ error: any Error, what: String) -> CLIError {
        if let error = error as? RPCError {
            return CLIError("\(what): \(error.message)", exit: ExitStatus(error.code))
        }
        return CLIError("\(what): \(error)", exit: .failure)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
