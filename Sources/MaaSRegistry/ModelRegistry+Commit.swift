import Glibc
import Logging
import MaaSProtocol

extension ModelRegistry {
    /// Steps 3–6 of the commit order on `ModelRegistry`: number, metadata, rename, fsync, publish.
    ///
    /// `staging` must already hold a fsynced `source` and `model.maas`. On success the staging area has
    /// become the version directory; on failure it is still in place (or moved back) for the caller to remove.
    package func publish(staging: RegistryLayout.Files, metadata template: ModelVersion) throws(FileSystemError) -> StoredVersion {
        let name = template.name
        let slot = index.slot(for: name)
        return try slot.withCommitLock { (state) throws(FileSystemError) -> StoredVersion in
            let nameDirectory = layout.nameDirectory(name)
            if !state.directoryIsDurable {
                // Synced even if mkdir found it already there: an earlier process may have died before its fsync.
                try FileSystem.makeDirectory(nameDirectory)
                try FileSystem.syncDirectory(layout.modelsDirectory)
                state.directoryIsDurable = true
            }
            // Taken before any step that can fail, so a number that might reach the disk is never reused.
            state.highWater += 1
            var info = template
            info.version = state.highWater
            info.createdAtUnixMs = Self.nowUnixMilliseconds()

            try FileSystem.writeDurably(info.serializedBytes(), to: staging.metadata)
            try FileSystem.syncDirectory(staging.directory)
            let destination = RegistryLayout.Files(directory: layout.versionDirectory(name, info.version))
            try FileSystem.rename(staging.directory, to: destination.directory)
            do throws(FileSystemError) {
                try FileSystem.syncDirectory(nameDirectory)
            } catch {
                // Not acknowledged, so it must not stay visible to this process either: move it back for the
                // caller to remove. If even that fails the directory is complete, and loads after a restart.
                try? FileSystem.rename(destination.directory, to: staging.directory)
                throw error
            }
            let stored = StoredVersion(info: info, artifactPath: destination.artifact, sourcePath: destination.source)
            index.publish(stored)
            return stored
        }
    }

    /// Turns a disk failure during an upload into the client's status; the details go to the log only.
    package func storageFailure(_ error: FileSystemError, modelName: String, while action: String, logger: Logger) -> RPCError {
        logger.error("storage failure while \(action)", metadata: ["error": "\(error)"])
        if error.isOutOfSpace {
            return RPCError(.resourceExhausted, "the server's disk is full; model '\(modelName)' was not stored")
        }
        return RPCError(.internal, "storage failure while \(action) for model '\(modelName)'; the server log has details")
    }

    static func nowUnixMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
