import NIOCore

/// Runs a connection's tasks on the event loop that owns its channel (server and client alike).
///
/// Without a preference, a task resumed from another thread (an inference worker, the loop that read an
/// answer) is enqueued on the global executor, and what it writes then hops to the channel's loop: an extra
/// thread wake-up per call. With this preference every continuation of the connection's tasks comes back to
/// the one loop that can write at once; enqueueing from that loop itself is a queue append, not a wake-up.
///
/// Only the scheduling moves: CPU-heavy steps still run elsewhere (the server's inference pool).
package final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    package init(_ loop: any EventLoop) {
        self.loop = loop
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
