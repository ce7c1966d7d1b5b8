import Logging
import MaaSProtocol

/// Start-up work: clearing interrupted uploads and reading every version's metadata back.
///
/// A version that cannot be read is logged and skipped, never fatal: one damaged directory must not
/// keep the server from serving every other model. Its number still counts towards the name's
/// high-water mark, so it is never handed out again.
package struct RegistryLoader {
    /// `version.pb` holds metadata only; anything this large is damage, not a model description.
    package static let maxMetadataBytes = 16 << 20

    package let layout: RegistryLayout
    package let logger: Logger

    package init(layout: RegistryLayout, logger: Logger) {
        self.layout = layout
        self.logger = logger
    }

    /// Removes every staging area: whatever is there belongs to an upload that was never acknowledged.
    /// Returns how many were removed.
    package func removeLeftovers() throws(FileSystemError) -> Int {
        let leftovers = try FileSystem.contents(of: layout.stagingDirectory)
        for id in leftovers {
            let path = layout.stagingArea(id)
            try FileSystem.removeTree(path)
            logger.notice("removed leftovers of an interrupted upload", metadata: ["path": "\(path)"])
        }
        return leftovers.count
    }

    /// Reads every version directory under `models/`.
    package func loadIndex() throws(FileSystemError) -> VersionIndex {
        var versions: [String: [StoredVersion]] = [:]
        var highWater: [String: Int64] = [:]
        for name in try FileSystem.contents(of: layout.modelsDirectory).sorted() {
            let directory = layout.nameDirectory(name)
            guard (try? ModelName.validate(name)) != nil, FileSystem.kind(of: directory) == .directory else {
                logger.warning("ignoring an entry that is not a model directory", metadata: ["path": "\(directory)"])
                continue
            }
            for entry in try FileSystem.contents(of: directory) {
                let path = directory + "/" + entry
                guard let number = RegistryLayout.versionNumber(fromDirectoryName: entry) else {
                    logger.warning("ignoring an entry that is not a version directory", metadata: ["path": "\(path)"])
                    continue
                }
                highWater[name] = max(highWater[name] ?? 0, number)
                switch loadVersion(name: name, number: number) {
                case .success(let stored):
                    versions[name, default: []].append(stored)
                case .failure(let damage):
                    logger.error(
                        "skipping an unreadable model version",
                        metadata: [
                            "model.name": "\(name)", "model.version": "\(number)", "path": "\(path)",
                            "reason": "\(damage.reason)",
                        ])
                }
            }
        }
        // A previous process may have died between a rename or mkdir and its fsync; syncing every name
        // directory and models/ once here makes everything this process sees durable before it serves it.
        for name in highWater.keys {
            try FileSystem.syncDirectory(layout.nameDirectory(name))
        }
        try FileSystem.syncDirectory(layout.modelsDirectory)
        let count = versions.values.reduce(0) { $0 + $1.count }
        logger.info("loaded model registry", metadata: ["models": "\(versions.count)", "versions": "\(count)"])
        return VersionIndex(versions: versions, highWater: highWater)
    }

    package struct Damage: Error, Equatable {
        package var reason: String
    }

    /// Reads and checks one version directory; the checks are cheap (no re-hashing of the source).
    package func loadVersion(name: String, number: Int64) -> Result<StoredVersion, Damage> {
        let files = RegistryLayout.Files(directory: layout.versionDirectory(name, number))
        let bytes: [UInt8]
        do {
            let file = try FileDescriptor.openForReading(files.metadata)
            bytes = try file.readAll(limit: Self.maxMetadataBytes)
        } catch {
            return .failure(Damage(reason: "cannot read \(RegistryLayout.metadataFileName): \(error)"))
        }
        let info: ModelVersion
        do {
            info = try ModelVersion(serializedBytes: bytes)
        } catch {
            return .failure(Damage(reason: "\(RegistryLayout.metadataFileName) does not decode: \(error)"))
        }
        guard info.name == name, info.version == number else {
            return .failure(
                Damage(reason: "\(RegistryLayout.metadataFileName) describes '\(info.name)' version \(info.version)"))
        }
        guard SHA256Hex.isValid(info.sha256) else {
            return .failure(Damage(reason: "recorded sha256 '\(info.sha256)' is not 64 lower-case hex digits"))
        }
        guard let sourceSize = FileSystem.fileSize(files.source) else {
            return .failure(Damage(reason: "the uploaded file '\(RegistryLayout.sourceFileName)' is missing"))
        }
        guard sourceSize == info.sizeBytes else {
            return .failure(Damage(reason: "the uploaded file has \(sourceSize) bytes; the metadata records \(info.sizeBytes)"))
        }
        guard FileSystem.fileSize(files.artifact) != nil else {
            return .failure(Damage(reason: "the compiled model '\(RegistryLayout.artifactFileName)' is missing"))
        }
        return .success(StoredVersion(info: info, artifactPath: files.artifact, sourcePath: files.source))
    }
}
