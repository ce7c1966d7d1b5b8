/// Process-wide thread settings of the engine.
public enum EngineThreads {
    /// Sets how many threads OpenBLAS uses per call. The server sets 1 and runs one call per worker, so workers
    /// do not oversubscribe the cores.
    public static func setBLASThreads(_ n: Int) {
        BLASThreading.setThreadCount(n)
    }
}
