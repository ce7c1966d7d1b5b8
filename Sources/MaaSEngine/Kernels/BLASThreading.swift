import COpenBLAS

/// OpenBLAS keeps one process-wide thread pool; this is the only place the engine sizes it.
package enum BLASThreading {
    /// Sets how many threads OpenBLAS may use for every following call in this process.
    package static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    package static var threadCount: Int {
        Int(openblas_get_num_threads())
    }
}
