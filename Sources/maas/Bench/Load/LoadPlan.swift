/// What one `maas bench` run against a server does: the request, how many calls are kept in flight over how
/// many connections, and when measuring starts and stops.
struct LoadPlan: Sendable {
    enum Stop: Sendable, Equatable {
        /// Measure for this long after warm-up.
        case duration(Duration)
        /// Measure until this many calls have completed after warm-up (failures count).
        case requests(Int)
    }

    /// The serialized PredictRequests, built once: each worker sends them in turn (most runs have one).
    var payloads: [[UInt8]]
    /// Calls in flight at all times (closed loop: each finished call is replaced at once).
    var concurrency: Int
    var warmup: Duration
    var stop: Stop
    /// Per-call deadline (--timeout), also sent to the server.
    var timeout: Duration?
}
