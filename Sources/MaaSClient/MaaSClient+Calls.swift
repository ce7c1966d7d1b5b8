import MaaSProtocol
import NIOCore
import ProtoWire

extension MaaSClient {
    /// Makes one call at the frame level and returns the server's final response frame, whatever its status.
    ///
    /// `payloads` become the request frames in order (an empty list sends one empty frame); the first carries
    /// `method` and `metadata`, the last `end_stream`. With a `timeout`, the call fails with DEADLINE_EXCEEDED
    /// when it passes and `timeout-ms` is sent so the server gives up too. Meant for tests and tools; the
    /// typed methods are built on it.
    public func call(
        method: String, metadata: [String: String] = [:], payloads: [[UInt8]], timeout: Duration? = nil
    ) async throws(RPCError) -> Envelope {
        let frames = payloads.isEmpty ? [[]] : payloads
        return try await perform(method: method, metadata: metadata, timeout: timeout) { writer in
            for (index, payload) in frames.enumerated() {
                try await writer.send(payload, endStream: index == frames.count - 1)
            }
        }
    }

    /// A unary call: one request message, one response message; a non-OK status is thrown.
    func unary<Response: ProtoMessage>(
        _ method: Method, _ request: some ProtoMessage, timeout: Duration?, as: Response.Type
    ) async throws(RPCError) -> Response {
        let envelope = try await call(method: method.rawValue, payloads: [request.serializedBytes()], timeout: timeout)
        return try decodeResponse(envelope, method: method, as: Response.self)
    }

    /// The response message of a final frame, or the call's error status.
    func decodeResponse<Response: ProtoMessage>(
        _ envelope: Envelope, method: Method, as: Response.Type
    ) throws(RPCError) -> Response {
        let status = envelope.status ?? Status.ok
        guard status.code == .ok else { throw RPCError(status.code, status.message) }
        do {
            return try Response(serializedBytes: envelope.payload)
        } catch {
            throw RPCError(.internal, "cannot decode the \(method.shortName) response from \(peer): \(error)")
        }
    }

    /// Runs one call: allocates its id, arms its deadline, lets `send` write the request frames, then waits
    /// for the outcome. Every exit path leaves the call collected, so nothing stays in the pending table.
    func perform(
        method: String, metadata: [String: String], timeout: Duration?,
        send: (inout CallWriter) async throws -> Void
    ) async throws(RPCError) -> Envelope {
        if let timeout, timeout <= .zero {
            throw RPCError(.deadlineExceeded, "the call's timeout (\(timeout)) had passed before it started")
        }
        let callID = try calls.open()
        var metadata = metadata
        if let timeout {
            metadata[MetadataKey.timeoutMs] = String(Self.milliseconds(roundingUp: timeout))
            let calls = self.calls
            let scheduled = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                _ = calls.finish(callID, with: .failure(RPCError(.deadlineExceeded, "no response within \(timeout)")))
            }
            calls.setDeadline(scheduled, for: callID)
        }
        var writer = CallWriter(
            callID: callID, method: method, metadata: metadata, channel: channel, calls: calls,
            maxFrameSize: configuration.maxFrameSize, peer: peer)
        let calls = self.calls
        let outcome = await withTaskCancellationHandler {
            do {
                try await send(&writer)
            } catch is CallWriter.CallAlreadyFinished {
                // The outcome that stopped the upload is what the caller gets.
            } catch let error as RPCError {
                calls.finish(callID, with: .failure(error))
            } catch {
                calls.finish(callID, with: .failure(RPCError(.internal, "sending the request failed: \(error)")))
            }
            return await calls.wait(for: callID)
        } onCancel: {
            calls.finish(callID, with: .failure(RPCError(.cancelled, "the call was cancelled")))
        }
        return try outcome.get()
    }

    static func milliseconds(roundingUp duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return seconds * 1000 + fraction
    }
}
