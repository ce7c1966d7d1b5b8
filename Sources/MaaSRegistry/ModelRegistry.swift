import Logging
import MaaSProtocol

/// The durable, versioned model store under one data directory.
///
/// ## On-disk layout
/// ```
/// <dir>/LOCK                        exclusive flock of the one registry using <dir> ("pid N" inside, a hint only)
/// <dir>/staging/<32 hex>/           one area per upload in progress; never read after a restart
/// <dir>/models/<name>/<version>/    one directory per version (1, 2, 3…), immutable once renamed in
///     source                        the uploaded bytes as received
///     model.maas                    the native model file the server's `prepare` step compiled
///     version.pb                    the acknowledged `ModelVersion`, protobuf-encoded
/// ```
/// A staging area holds the same three files under the same names, so a commit is one directory rename.
///
/// ## Commit order, and why a crash leaves no trace or a complete version
/// 1. `source` is streamed into the staging area (hashed as it is written), fsynced and closed.
/// 2. `prepare` writes `model.maas` into the staging area; it is fsynced.
/// 3. Under the name's lock: the next number is allocated, `version.pb` is written and fsynced, and the
///    staging directory itself is fsynced, so its three entries are durable.
/// 4. `rename(staging/<id>, models/<name>/<n>)`: atomic, so the version directory appears whole or not at all.
/// 5. `models/<name>` is fsynced (it was created with mkdir + fsync of `models/` on the name's first commit).
/// 6. Only now is the version added to the in-memory index and returned: acknowledged and visible.
///
/// - A crash before 4 leaves only a staging area, removed at the next start: no trace.
/// - A crash between 4 and 5 either loses the rename (the staging area is still there and is removed:
///   no trace, and nothing was acknowledged) or keeps it, and then the directory is complete, because
///   every file and the staging directory's entries were fsynced before the rename.
/// - After 5 the version is durable; it is acknowledged only after 5, so a restart sees every
///   acknowledged version, and reads back the same sha256 from its `version.pb`.
///
/// ## Numbering
/// A name's high-water mark is the largest numbered directory under `models/<name>`, including ones
/// that fail to load, so a number that reached the disk is never handed out again. Versions are never
/// deleted, which makes the directory names a complete record; if deletion is ever added, the mark must
/// be persisted first (e.g. a fsynced `models/<name>/HIGH_WATER`). A number whose commit failed is not
/// reused by this process; after a restart it may be, which is harmless since it was never acknowledged.
///
/// All methods block on disk I/O and are safe to call from many worker threads at once.
public final class ModelRegistry: Sendable {
    public let configuration: RegistryConfiguration
    package let layout: RegistryLayout
    package let logger: Logger
    package let index: VersionIndex
    private let lock: DirectoryLock

    /// Creates the directories, locks the data directory, removes leftovers of interrupted uploads and
    /// loads every version. A second registry on a locked directory fails with FAILED_PRECONDITION.
    public init(configuration: RegistryConfiguration, logger: Logger) throws(RPCError) {
        // Absolute from here on: the paths handed out in StoredVersion must not depend on the working directory.
        let layout: RegistryLayout
        do {
            try FileSystem.makeDirectories(configuration.directory)
            layout = RegistryLayout(root: try FileSystem.canonicalPath(configuration.directory))
        } catch {
            throw Self.startupFailure(error, layout: RegistryLayout(root: configuration.directory))
        }
        var logger = logger
        logger[metadataKey: "registry.directory"] = "\(layout.root)"
        do {
            lock = try DirectoryLock(path: layout.lockFile)
        } catch {
            switch error {
            case .held(let path, let holder):
                let who = holder.map { "another maas server (\($0))" } ?? "another maas server"
                throw RPCError(
                    .failedPrecondition,
                    "data directory '\(layout.root)' is in use by \(who), which holds the lock on '\(path)'; "
                        + "stop it or choose another --data-dir")
            case .system(let error):
                throw Self.startupFailure(error, layout: layout)
            }
        }
        let loader = RegistryLoader(layout: layout, logger: logger)
        do {
            // Both directories are fsynced into <dir> when created, so the layout itself is durable.
            if try FileSystem.makeDirectory(layout.modelsDirectory) { try FileSystem.syncDirectory(layout.root) }
            if try FileSystem.makeDirectory(layout.stagingDirectory) { try FileSystem.syncDirectory(layout.root) }
            _ = try loader.removeLeftovers()
            index = try loader.loadIndex()
        } catch {
            throw Self.startupFailure(error, layout: layout)
        }
        self.configuration = configuration
        self.layout = layout
        self.logger = logger
    }

    /// Starts an upload: checks the header and creates its staging area.
    public func beginUpload(_ header: ModelHeader) throws(RPCError) -> ModelUpload {
        try ModelName.validate(header.name)
        guard header.sha256.isEmpty || SHA256Hex.isValid(header.sha256) else {
            // Echo only a prefix: the field is the client's and may be megabytes long.
            let shown = header.sha256.count > 80 ? "\(header.sha256.prefix(80))…" : header.sha256
            throw RPCError(
                .invalidArgument,
                "sha256 '\(shown)' for model '\(header.name)' is not 64 lower-case hex digits; leave it empty to skip the check")
        }
        guard header.sizeBytes <= configuration.maxModelSizeBytes else {
            throw RPCError(
                .resourceExhausted,
                "model '\(header.name)' declares \(header.sizeBytes) bytes; this server accepts at most \(configuration.maxModelSizeBytes)")
        }
        return try ModelUpload(registry: self, header: header)
    }

    /// Every visible version of `name`, newest first.
    public func versions(of name: String) throws(RPCError) -> [ModelVersion] {
        try ModelName.validate(name)
        guard let list = index.versions(of: name), !list.isEmpty else { throw Self.unknownModel(name) }
        return list.reversed().map(\.info)
    }

    /// One version of `name`; version 0 means the latest.
    public func resolve(name: String, version: Int64) throws(RPCError) -> StoredVersion {
        try ModelName.validate(name)
        guard version >= 0 else {
            throw RPCError(.invalidArgument, "version \(version) of model '\(name)' is negative; use 0 for the latest")
        }
        guard let list = index.versions(of: name), let latest = list.last else { throw Self.unknownModel(name) }
        if version == 0 { return latest }
        if let found = list.first(where: { $0.info.version == version }) { return found }
        throw RPCError(.notFound, "model '\(name)' has no version \(version); \(Self.describe(list))")
    }

    /// Names with at least one version, sorted.
    public func modelNames() -> [String] {
        index.names()
    }

    private static func unknownModel(_ name: String) -> RPCError {
        RPCError(.notFound, "model '\(name)' is not registered")
    }

    /// "its versions are 1, 2, 3", shortened to a range when there are many.
    private static func describe(_ list: [StoredVersion]) -> String {
        let numbers = list.map(\.info.version)
        if numbers.count <= 10 {
            return "its versions are " + numbers.map(String.init).joined(separator: ", ")
        }
        return "it has \(numbers.count) versions from \(numbers.first!) to \(numbers.last!)"
    }

    /// Start-up problems are the operator's to fix, so the message carries the path and the system error.
    private static func startupFailure(_ error: FileSystemError, layout: RegistryLayout) -> RPCError {
        RPCError(.failedPrecondition, "cannot use data directory '\(layout.root)': \(error)")
    }
}
