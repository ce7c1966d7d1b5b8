import Dispatch

/// Independent rows cut into slices that run on separate threads when the engine has several BLAS threads:
/// the sequences of a recurrent layer's batch (each slice runs the whole time loop alone), or blocks of rows
/// of a large product.
///
/// OpenBLAS threads none of the small products these run (its small-matrix kernels are single-threaded), and
/// the fused cells are ours, so without this a batched LSTM ran on one core whatever the thread count.
/// Slices are only used when their BLAS calls stay on those unpacked kernels: two callers of a packed sgemm
/// would contend for OpenBLAS's own thread pool instead.
struct RowSlices {
    let rows: Int
    let count: Int
    /// What each slice's BLAS calls may assume about threads.
    let threadsPerSlice: Int

    /// A recurrent layer's batch in slices of at least `minimumRows` rows, at most one per thread;
    /// `product(rows, threads)` is the recurrent product a slice of that many rows would use.
    init(batch: Int, threads: Int, minimumRows: Int = 2, product: (Int, Int) -> RecurrentProduct) {
        rows = batch
        let count = max(1, min(threads, batch / max(1, minimumRows)))
        let largest = (batch + count - 1) / max(1, count)
        if count > 1 && product(largest, 1).unpacked {
            self.count = count
            threadsPerSlice = 1
        } else {
            self.count = 1
            threadsPerSlice = threads
        }
    }

    /// A fixed number of slices (the caller has checked their BLAS calls are unpacked; tests use it too).
    init(rows: Int, count: Int) {
        self.rows = rows
        self.count = max(1, min(count, rows))
        threadsPerSlice = 1
    }

    /// Rows of slice `index`: the rows cut into `count` nearly equal ranges.
    func range(_ index: Int) -> Range<Int> {
        (index * rows / count)..<((index + 1) * rows / count)
    }

    /// Calls `body` once per slice, concurrently when there are several; returns when all have finished.
    func run(_ body: (Range<Int>) -> Void) {
        if count == 1 {
            body(0..<rows)
        } else {
            // Slices write disjoint rows of every buffer, and concurrentPerform returns only when all have
            // finished, so sharing the (non-Sendable) body and the pointers it captures is safe.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: count) { [self] index in body(range(index)) }
        }
    }
}
