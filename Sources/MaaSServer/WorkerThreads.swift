import Dispatch
import Foundation
import NIOCore
import Synchronization

/// The inference pool's threads. A job goes to the worker that went idle last.
///
/// `NIOThreadPool` wakes whichever waiting thread the kernel picks, so on a lightly loaded server the workers
/// took turns, each job finding the model's weights cold in its core's caches. Here sleeping workers form a
/// stack: one worker serves an idle server's calls back to back with warm caches, and the next wakes only
/// while the first is busy. Under load every worker is busy and jobs queue in arrival order, as before.
final class WorkerThreads: Sendable {
    /// Whether a job runs, or was still queued when the threads stopped.
    enum JobState: Sendable {
        case active
        case cancelled
    }

    typealias Job = @Sendable (JobState) -> Void

    private enum Next {
        case run(Job)
        case sleep
        case exit([CheckedContinuation<Void, Never>])
    }

    private struct State {
        var queue = CircularBuffer<Job>()
        /// Sleeping workers; the one that went to sleep last is at the end.
        var idle: [Int] = []
        /// A job given to a sleeping worker as it is woken.
        var handed: [Job?]
        var stopping = false
        var started = false
        var alive = 0
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let count: Int
    private let name: String
    private let state: Mutex<State>
    private let wakeups: [DispatchSemaphore]

    init(count: Int, name: String) {
        precondition(count >= 1)
        self.count = count
        self.name = name
        self.state = Mutex(State(handed: Array(repeating: nil, count: count)))
        self.wakeups = (0..<count).map { _ in DispatchSemaphore(value: 0) }
    }

    func start() {
        let start = state.withLock { state in
            defer { state.started = true }
            if !state.started { state.alive = count }
            return !state.started
        }
        guard start else { return }
        for index in 0..<count {
            let name = "\(self.name)-\(index)"
            Thread {
                // Set from the thread itself, so that `ps` and `perf` show it too.
                Thread.current.name = name
                self.work(index)
            }.start()
        }
    }

    /// Workers asleep, waiting for a job (for tests).
    var idleWorkers: Int { state.withLock { $0.idle.count } }

    /// Runs `job(.active)` on a worker, or `job(.cancelled)` if the threads have stopped or stop first.
    func submit(_ job: @escaping Job) {
        let (worker, refused) = state.withLock { state -> (Int?, Bool) in
            if state.stopping { return (nil, true) }
            if let worker = state.idle.popLast() {
                state.handed[worker] = job
                return (worker, false)
            }
            state.queue.append(job)
            return (nil, false)
        }
        if refused {
            job(.cancelled)
        } else if let worker {
            wakeups[worker].signal()
        }
    }

    /// Stops the threads once they finish the jobs they are running; jobs still queued get `.cancelled`.
    func shutdown() async {
        let (queued, sleeping) = state.withLock { state -> ([Job], [Int]) in
            state.stopping = true
            let queued = Array(state.queue)
            state.queue.removeAll()
            defer { state.idle = [] }
            return (queued, state.idle)
        }
        for job in queued { job(.cancelled) }
        for worker in sleeping { wakeups[worker].signal() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                guard state.alive > 0 else { return true }
                state.stopWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func work(_ index: Int) {
        while true {
            let next = state.withLock { state -> Next in
                if let job = state.handed[index] {
                    state.handed[index] = nil
                    return .run(job)
                }
                if let job = state.queue.popFirst() { return .run(job) }
                if state.stopping {
                    state.alive -= 1
                    guard state.alive == 0 else { return .exit([]) }
                    defer { state.stopWaiters = [] }
                    return .exit(state.stopWaiters)
                }
                state.idle.append(index)
                return .sleep
            }
            switch next {
            case .run(let job):
                job(.active)
            case .sleep:
                wakeups[index].wait()
            case .exit(let waiters):
                for waiter in waiters { waiter.resume() }
                return
            }
        }
    }
}
