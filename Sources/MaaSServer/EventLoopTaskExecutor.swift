import NIOCore

/// Runs a connection's tasks on the event loop that owns its channel.
///
/// Without a preference, a task resumed from an inference worker is enqueued on whichever event loop the
/// global executor picks next (round robin), and its answer then hops back to the channel's loop to be written:
/// an extra thread wake-up per call on a multi-core server. With this preference every continuation of the
/// connection's tasks (the reader, each call, a batch's answer) comes back to the one loop that can write
/// the answer at once; enqueueing from that loop itself is a queue append, not a wake-up.
///
/// Only the scheduling moves: CPU-heavy steps still run on the inference pool (see `InferencePool`).
final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
