import MaaSProtocol

/// The process exit codes, one per class of failure, so scripts can react without parsing messages.
/// Listed in `maas --help` (see `Maas.discussion`); keep the two in step.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    /// INTERNAL, UNKNOWN, DATA_LOSS, UNIMPLEMENTED, or a local failure of the tool itself.
    case failure = 1
    /// INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE: the request (or the model) was refused as it is.
    case invalid = 2
    case notFound = 3
    /// ALREADY_EXISTS, ABORTED.
    case conflict = 4
    /// RESOURCE_EXHAUSTED: the server is busy or the request is over a limit.
    case exhausted = 5
    /// DEADLINE_EXCEEDED, CANCELLED.
    case deadline = 6
    /// UNAVAILABLE: no server at the address, or the connection was lost.
    case unavailable = 7
    /// PERMISSION_DENIED, UNAUTHENTICATED.
    case denied = 8
    /// `maas evaluate --min-accuracy` was not met (the evaluation itself ran).
    case belowMinimumAccuracy = 9
    /// The command line is wrong (ArgumentParser's validation failure code).
    case usage = 64
    /// A local input file (model, .npy) cannot be read or is malformed.
    case badInputFile = 65

    init(_ code: StatusCode) {
        switch code {
        case .ok: self = .success
        case .invalidArgument, .failedPrecondition, .outOfRange: self = .invalid
        case .notFound: self = .notFound
        case .alreadyExists, .aborted: self = .conflict
        case .resourceExhausted: self = .exhausted
        case .deadlineExceeded, .cancelled: self = .deadline
        case .unavailable: self = .unavailable
        case .permissionDenied, .unauthenticated: self = .denied
        case .unknown, .internal, .dataLoss, .unimplemented: self = .failure
        }
    }

    /// The table shown in `maas --help`.
    static let helpTable = """
        Exit codes:
          0   success
          1   unexpected failure: INTERNAL, UNKNOWN, DATA_LOSS, UNIMPLEMENTED
          2   refused as invalid: INVALID_ARGUMENT, FAILED_PRECONDITION,
              OUT_OF_RANGE; also `inspect` of a model the engine cannot run
          3   NOT_FOUND: no such model or version
          4   ALREADY_EXISTS, ABORTED
          5   RESOURCE_EXHAUSTED: server busy or request over a limit
          6   DEADLINE_EXCEEDED, CANCELLED
          7   UNAVAILABLE: no server at --host/--port, or connection lost
          8   PERMISSION_DENIED, UNAUTHENTICATED
          9   `evaluate`: accuracy below --min-accuracy
          64  bad command line
          65  a local input file (model, .npy) is unreadable or malformed
        """
}
