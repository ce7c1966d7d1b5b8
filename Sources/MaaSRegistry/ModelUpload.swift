import Crypto
import Logging
import MaaSProtocol
import Synchronization

/// One model upload in progress: bytes stream to a file in its staging area, hashed as they go, so
/// memory stays flat whatever the model's size.
///
/// Owned by one call. Calls are serialized by an internal lock, so the upload may be handed from thread to
/// thread between chunks. Any error ends the upload and removes its staging area; so does dropping it
/// without `commit` or `abort`.
public final class ModelUpload: Sendable {
    public let header: ModelHeader
    private let registry: ModelRegistry
    private let staging: RegistryLayout.Files
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var phase: Phase
        var receivedBytes: UInt64 = 0
    }

    private enum Phase {
        case receiving(file: FileDescriptor, hasher: SHA256)
        /// `source` is closed and `prepare` or the publish step is running, outside the lock.
        case committing
        case finished
    }

    init(registry: ModelRegistry, header: ModelHeader) throws(RPCError) {
        var logger = registry.logger
        logger[metadataKey: "model.name"] = "\(header.name)"
        let layout = registry.layout
        do throws(FileSystemError) {
            var staging: RegistryLayout.Files
            repeat {
                staging = RegistryLayout.Files(directory: layout.stagingArea(Self.randomID()))
            } while try !FileSystem.makeDirectory(staging.directory)
            let file: FileDescriptor
            do {
                file = try FileDescriptor.create(staging.source)
            } catch {
                try? FileSystem.removeTree(staging.directory)
                throw error
            }
            self.staging = staging
            self.state = Mutex(State(phase: .receiving(file: file, hasher: SHA256())))
        } catch {
            throw registry.storageFailure(error, modelName: header.name, while: "starting the upload", logger: logger)
        }
        self.header = header
        self.registry = registry
        self.logger = logger
    }

    deinit {
        abort()
    }

    /// Bytes appended so far.
    public var receivedBytes: UInt64 {
        state.withLock { $0.receivedBytes }
    }

    /// Writes the next chunk. Exceeding the header's `size_bytes` (INVALID_ARGUMENT) or the server's limit
    /// (RESOURCE_EXHAUSTED) fails at once, before the chunk is written.
    public func append(_ bytes: [UInt8]) throws(RPCError) {
        try state.withLock { (state) throws(RPCError) in
            guard case .receiving(let file, var hasher) = state.phase else { throw finishedError() }
            let (total, overflow) = state.receivedBytes.addingReportingOverflow(UInt64(bytes.count))
            if header.sizeBytes > 0 && (overflow || total > header.sizeBytes) {
                throw fail(
                    &state,
                    RPCError(
                        .invalidArgument,
                        "upload of model '\(header.name)' is longer than its declared size_bytes \(header.sizeBytes) "
                            + "(at least \(total) bytes sent)"))
            }
            let limit = registry.configuration.maxModelSizeBytes
            if overflow || total > limit {
                throw fail(
                    &state,
                    RPCError(
                        .resourceExhausted,
                        "model '\(header.name)' is larger than this server's limit of \(limit) bytes "
                            + "(at least \(total) bytes sent)"))
            }
            do throws(FileSystemError) {
                try file.writeAll(bytes)
            } catch {
                throw fail(&state, registry.storageFailure(error, modelName: header.name, while: "writing the upload", logger: logger))
            }
            hasher.update(data: bytes)
            state.phase = .receiving(file: file, hasher: hasher)
            state.receivedBytes = total
        }
    }

    /// Checks the upload, lets the server compile it, and makes it a durable, visible version.
    ///
    /// `prepare` gets the uploaded file and the path where it must write the native model file; an
    /// RPCError it throws (INVALID_ARGUMENT for a bad model) ends the upload with no version created.
    /// The returned version is durable: it survives a crash from the moment this returns.
    public func commit(
        prepare: (_ uploadedFilePath: String, _ artifactPath: String) throws(RPCError) -> PreparedModel
    ) throws(RPCError) -> ModelVersion {
        let upload = try closeForCommit()
        do throws(RPCError) {
            // Outside the lock: prepare may take long, and a concurrent abort() must not wait for it.
            let prepared = try prepare(staging.source, staging.artifact)
            let version = try publish(upload, prepared)
            state.withLock { $0.phase = .finished }
            return version
        } catch {
            throw state.withLock { fail(&$0, error) }
        }
    }

    /// Removes the staging area; does nothing once the upload has finished or while it is committing
    /// (a commit cleans up after itself if it fails).
    public func abort() {
        state.withLock { state in
            guard case .receiving = state.phase else { return }
            _ = fail(&state, finishedError())
        }
    }

    /// What the checks before `prepare` established about the received bytes.
    private struct ReceivedUpload: Sendable {
        var sizeBytes: UInt64
        var sha256: String
    }

    /// Checks size and sha256, makes `source` durable and closes it; the upload then takes no more bytes.
    private func closeForCommit() throws(RPCError) -> ReceivedUpload {
        try state.withLock { (state) throws(RPCError) -> ReceivedUpload in
            guard case .receiving(let file, let hasher) = state.phase else { throw finishedError() }
            let received = state.receivedBytes
            if header.sizeBytes > 0 && received != header.sizeBytes {
                throw fail(
                    &state,
                    RPCError(
                        .invalidArgument,
                        "upload of model '\(header.name)' ended after \(received) bytes; its header declared size_bytes \(header.sizeBytes)"))
            }
            guard received > 0 else {
                throw fail(&state, RPCError(.invalidArgument, "upload of model '\(header.name)' contained no bytes"))
            }
            let sha256 = SHA256Hex.string(hasher.finalize())
            if !header.sha256.isEmpty && header.sha256 != sha256 {
                throw fail(
                    &state,
                    RPCError(
                        .invalidArgument,
                        "sha256 mismatch for model '\(header.name)': the header declared \(header.sha256), the received bytes hash to \(sha256)"))
            }
            do throws(FileSystemError) {
                try file.sync()
                try file.close()
            } catch {
                throw fail(&state, registry.storageFailure(error, modelName: header.name, while: "saving the upload", logger: logger))
            }
            state.phase = .committing
            return ReceivedUpload(sizeBytes: received, sha256: sha256)
        }
    }

    private func publish(_ upload: ReceivedUpload, _ prepared: PreparedModel) throws(RPCError) -> ModelVersion {
        guard FileSystem.kind(of: staging.artifact) == .file else {
            logger.error("prepare returned without writing the model file", metadata: ["path": "\(staging.artifact)"])
            throw RPCError(.internal, "compiling model '\(header.name)' produced no model file; the server log has details")
        }
        var metadata = ModelVersion()
        metadata.name = header.name
        metadata.format = prepared.format == .unspecified ? header.format : prepared.format
        metadata.sizeBytes = upload.sizeBytes
        metadata.sha256 = upload.sha256
        metadata.description = header.description
        metadata.labels = header.labels
        metadata.inputs = prepared.inputs
        metadata.outputs = prepared.outputs
        metadata.audio = prepared.audio
        metadata.classes = prepared.classes
        metadata.batching = prepared.batching
        do throws(FileSystemError) {
            try FileSystem.syncFile(staging.artifact)
            let stored = try registry.publish(staging: staging, metadata: metadata)
            logger.info(
                "registered model version",
                metadata: [
                    "model.version": "\(stored.info.version)", "model.size_bytes": "\(upload.sizeBytes)",
                    "model.sha256": "\(upload.sha256)",
                ])
            return stored.info
        } catch {
            throw registry.storageFailure(error, modelName: header.name, while: "committing the version", logger: logger)
        }
    }

    /// Ends the upload after an error: closes the file and removes the staging area. Returns `error`.
    private func fail(_ state: inout State, _ error: RPCError) -> RPCError {
        if case .receiving(let file, _) = state.phase {
            try? file.close()
        }
        state.phase = .finished
        do {
            try FileSystem.removeTree(staging.directory)
        } catch {
            // The next start-up removes it; only disk space is lost until then.
            logger.warning("could not remove an upload's staging area", metadata: ["error": "\(error)"])
        }
        return error
    }

    private func finishedError() -> RPCError {
        RPCError(.failedPrecondition, "upload of model '\(header.name)' has already finished")
    }

    /// 128 random bits: staging areas of concurrent uploads never collide (and mkdir would catch it anyway).
    private static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        let words = [generator.next() as UInt64, generator.next() as UInt64]
        return words.map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }
}
