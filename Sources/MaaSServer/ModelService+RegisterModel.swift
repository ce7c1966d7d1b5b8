import MaaSProtocol
import MaaSRegistry

extension ModelService {
    /// Streams the upload to the registry chunk by chunk (memory stays flat), then lets the registry
    /// commit it with `ModelPreparer` compiling it into the native plan.
    func registerModel(_ call: CallContext, first: Envelope, uploads: UploadStream) async throws -> [UInt8] {
        let opening = try RegisterModelRequest(serializedBytes: first.payload)
        guard case .header(let header) = opening.kind else {
            let carried = opening.kind == nil ? "nothing" : "a chunk"
            throw RPCError(.invalidArgument, "the first RegisterModel frame must carry a header; it carried \(carried)")
        }
        var logger = call.logger
        logger[metadataKey: "model.name"] = "\(header.name)"
        let registry = self.registry
        let upload = try await blocking { try registry.beginUpload(header) }
        do {
            while let frame = try await uploads.next() {
                let request = try RegisterModelRequest(serializedBytes: frame.payload)
                switch request.kind {
                case .chunk(let bytes) where !bytes.isEmpty:
                    try await blocking { try upload.append(bytes) }
                case .chunk, nil:
                    continue  // an empty last frame only carries end_stream
                case .header:
                    throw RPCError(
                        .invalidArgument,
                        "RegisterModel got a second header after \(upload.receivedBytes) bytes; send one header, then chunks")
                }
            }
            let preparer = ModelPreparer(header: header, logger: logger)
            let version = try await blocking { try upload.commit(prepare: preparer.prepare) }
            logger.info(
                "model registered",
                metadata: ["model.version": "\(version.version)", "model.size_bytes": "\(version.sizeBytes)"])
            return RegisterModelResponse(version: version).serializedBytes()
        } catch {
            // Also for a cancelled call, whose own blocking work would no longer start.
            blockingDetached { upload.abort() }
            throw error
        }
    }
}
