import MaaSProtocol

extension MaaSClient {
    /// Default upload chunk: large enough that framing overhead is noise, far below the 8 MiB frame limit.
    public static let defaultChunkSize = 1 << 20

    /// Upper bound of what a chunk frame adds to the chunk: envelope fields (call id, end_stream, payload
    /// key and length) and the RegisterModelRequest key and length.
    static let chunkFrameOverhead = 64

    /// Uploads the model file at `path` as a new version of `header.name` and returns that version.
    ///
    /// The file is streamed: a header frame, then chunks of `chunkSize` bytes, the last one marked
    /// `end_stream`, so memory stays at about two chunks whatever the file's size. `header` is sent as given;
    /// the client computes nothing on its own (set `sizeBytes`/`sha256` to have the server check them).
    /// `progress` receives the number of file bytes sent so far after each chunk. If the server answers
    /// before the upload ends (e.g. an invalid name), sending stops and its error is thrown. A file that
    /// cannot be read fails with INVALID_ARGUMENT naming it, before anything is sent where possible.
    public func registerModel(
        header: ModelHeader, fileAt path: String, chunkSize: Int = MaaSClient.defaultChunkSize,
        timeout: Duration? = nil, progress: @Sendable (UInt64) -> Void = { _ in }
    ) async throws(RPCError) -> ModelVersion {
        try ModelName.validate(header.name)
        // A chunk frame carries the chunk plus a few dozen bytes of framing; refusing a chunk size that cannot
        // fit here keeps the server from being left with a header and no chunks.
        guard chunkSize > 0, chunkSize <= configuration.maxFrameSize - Self.chunkFrameOverhead else {
            throw RPCError(
                .invalidArgument,
                "chunk size \(chunkSize) must be between 1 and \(configuration.maxFrameSize - Self.chunkFrameOverhead) bytes to fit the frame size limit")
        }
        let file: LocalFile
        do {
            file = try LocalFile.openForReading(path)
        } catch {
            throw RPCError(.invalidArgument, "model file: \(error)")
        }
        let envelope = try await perform(method: Method.registerModel.rawValue, metadata: [:], timeout: timeout) {
            writer in
            try await writer.send(RegisterModelRequest(.header(header)).serializedBytes(), endStream: false)
            var sent: UInt64 = 0
            var chunk = try Self.read(file, chunkSize)
            while true {
                // Read one chunk ahead so the last one can carry end_stream.
                let next = chunk.isEmpty ? [] : try Self.read(file, chunkSize)
                let isLast = next.isEmpty
                try await writer.send(RegisterModelRequest(.chunk(chunk)).serializedBytes(), endStream: isLast)
                sent += UInt64(chunk.count)
                progress(sent)
                if isLast { break }
                chunk = next
            }
        }
        let response = try decodeResponse(envelope, method: .registerModel, as: RegisterModelResponse.self)
        guard let version = response.version else {
            throw RPCError(.internal, "the RegisterModel response from \(peer) has no version")
        }
        return version
    }

    private static func read(_ file: LocalFile, _ count: Int) throws(RPCError) -> [UInt8] {
        do {
            return try file.read(upTo: count)
        } catch {
            throw RPCError(.invalidArgument, "model file: \(error)")
        }
    }
}
