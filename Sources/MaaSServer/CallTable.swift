import MaaSProtocol

/// The calls in flight on one connection, and where each incoming frame goes.
///
/// A call is in flight from its first frame (the one naming a method) until its final response frame is
/// handed to the channel; from then on the client may reuse its id. Frames that name no method belong to
/// the client-streaming call with their id, if there is one; otherwise they are late frames of a call that
/// was already answered (an upload that failed early, say) and are dropped.
struct CallTable {
    enum Route {
        /// The first frame of a unary call.
        case start(Method)
        /// The first frame of a client-streaming call; later frames go to the stream.
        case startStreaming(Method, UploadStream)
        /// A later frame of a client-streaming call in flight.
        case deliver(UploadStream)
        /// Answer this frame's call id with the error; nothing else happens.
        case reject(RPCError)
        /// Nothing to do with this frame.
        case drop(reason: String)
    }

    private enum Entry {
        case unary
        case streaming(UploadStream)
    }

    let maxCalls: Int
    /// Set when the server shuts down: calls in flight finish, new ones are refused.
    private(set) var isDraining = false
    private var calls: [UInt64: Entry] = [:]

    init(maxCalls: Int) {
        self.maxCalls = maxCalls
    }

    var count: Int { calls.count }
    var isEmpty: Bool { calls.isEmpty }

    mutating func route(_ frame: Envelope, makeStream: () -> UploadStream) -> Route {
        let id = frame.callID
        guard !frame.method.isEmpty else {
            switch calls[id] {
            case .streaming(let stream)?: return .deliver(stream)
            case .unary?: return .drop(reason: "extra frame for a unary call")
            case nil: return .drop(reason: "frame for a call that is not in flight")
            }
        }
        guard let method = Method(rawValue: frame.method) else {
            let known = Method.allCases.map(\.rawValue).joined(separator: ", ")
            return .reject(RPCError(.unimplemented, "method '\(frame.method)' is not implemented; the server has \(known)"))
        }
        guard calls[id] == nil else {
            return .reject(RPCError(.invalidArgument, "call_id \(id) is already in flight on this connection"))
        }
        guard !isDraining else {
            return .reject(RPCError(.unavailable, "the server is shutting down; retry on a new connection"))
        }
        guard calls.count < maxCalls else {
            return .reject(RPCError(
                .resourceExhausted, "\(calls.count) calls are already in flight on this connection; the limit is \(maxCalls)"))
        }
        if method.isClientStreaming {
            let stream = makeStream()
            calls[id] = .streaming(stream)
            return .startStreaming(method, stream)
        }
        calls[id] = .unary
        return .start(method)
    }

    /// Ends a call; returns its upload stream, if it had one, so the caller can close it.
    mutating func remove(_ id: UInt64) -> UploadStream? {
        if case .streaming(let stream)? = calls.removeValue(forKey: id) { return stream }
        return nil
    }

    mutating func beginDraining() {
        isDraining = true
    }

    /// Streams of uploads still in flight, e.g. to fail them when the connection's input ends.
    var openStreams: [UploadStream] {
        calls.values.compactMap { entry in
            if case .streaming(let stream) = entry { return stream }
            return nil
        }
    }
}
