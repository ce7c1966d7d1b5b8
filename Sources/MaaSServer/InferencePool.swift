import MaaSEngine
import MaaSProtocol
import Synchronization

/// Dedicated threads that run inference, behind a bounded queue.
///
/// Each worker runs one model at a time and OpenBLAS is set to one thread, so N workers use N cores and
/// never oversubscribe them; the worker that went idle last takes the next job (`WorkerThreads`). Admission
/// is counted here rather than in the threads (whose queue is unbounded): when `workers + queueDepth` jobs
/// are already admitted, a new one is refused at once with RESOURCE_EXHAUSTED, so an overloaded server
/// answers quickly instead of letting latency grow without bound.
package final class InferencePool: Sendable {
    package let workers: Int
    package let queueDepth: Int
    package let blasThreads: Int
    private let threads: WorkerThreads
    /// Jobs admitted and not yet finished: running ones plus waiting ones. An atomic rather than a lock: every
    /// call's event loop reads it (`LoopCompute`) while the workers change it.
    private let admitted = Atomic(0)

    package init(workers: Int, queueDepth: Int, blasThreads: Int = 1) {
        precondition(workers >= 1 && queueDepth >= 0 && blasThreads >= 1)
        self.workers = workers
        self.queueDepth = queueDepth
        self.blasThreads = blasThreads
        self.threads = WorkerThreads(count: workers, name: "maas-infer")
    }

    package func start() {
        // OpenBLAS's thread count is process-wide; by default parallelism comes from the workers instead.
        EngineThreads.setBLASThreads(blasThreads)
        threads.start()
    }

    package func shutdown() async {
        await threads.shutdown()
    }

    /// Runs `work` on a worker, or throws RESOURCE_EXHAUSTED at once when the queue is full.
    ///
    /// A job cancelled while it waits (its call timed out) is dropped when it reaches a worker instead of
    /// running; a job already running finishes, since a model run cannot be interrupted midway.
    package func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try admit()
        let cancellation = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                threads.submit { state in
                    let result: Result<T, any Error>
                    switch state {
                    case .active where cancellation.isCancelled: result = .failure(CancellationError())
                    case .active: result = Result { try work() }
                    case .cancelled: result = .failure(Self.notRunError)
                    }
                    // Its place is free before the caller resumes.
                    self.admitted.subtract(1, ordering: .releasing)
                    continuation.resume(with: result)
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// Hands `work` to a worker without waiting for it, or throws RESOURCE_EXHAUSTED at once when the queue is full.
    ///
    /// For callers that answer from the worker themselves (a batch resumes each of its requests): no task waits
    /// for the job, so finishing it wakes no event loop. `notRun` is called instead of `work` when the pool shut
    /// down before a worker took the job.
    package func submit(
        _ work: @escaping @Sendable () -> Void, notRun: @escaping @Sendable () -> Void
    ) throws(RPCError) {
        try admit()
        threads.submit { state in
            defer { self.admitted.subtract(1, ordering: .releasing) }
            switch state {
            case .active: work()
            case .cancelled: notRun()
            }
        }
    }

    private func admit() throws(RPCError) {
        let capacity = workers + queueDepth
        var count = admitted.load(ordering: .relaxed)
        var wasAdmitted = false
        while count < capacity {
            let (exchanged, current) = admitted.compareExchange(
                expected: count, desired: count + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                wasAdmitted = true
                break
            }
            count = current
        }
        guard wasAdmitted else {
            throw RPCError(
                .resourceExhausted,
                "inference queue is full (\(workers) running, \(queueDepth) waiting); retry later")
        }
    }

    /// What a job submitted too late is answered with: the pool shut down before a worker took it.
    package static let notRunError = RPCError(.unavailable, "the server is shutting down; the request was not run")

    /// Jobs admitted and not finished (for tests and metrics).
    package var admittedJobs: Int { admitted.load(ordering: .acquiring) }
}
