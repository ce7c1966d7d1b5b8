/// Paths inside the data directory. The layout and why it is crash-safe are described on `ModelRegistry`.
package struct RegistryLayout: Sendable, Equatable {
    package static let sourceFileName = "source"
    package static let artifactFileName = "model.maas"
    package static let metadataFileName = "version.pb"

    package let root: String

    package init(root: String) {
        // Trailing slashes would double up in every path below.
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root.isEmpty ? "." : root
    }

    package var lockFile: String { root + "/LOCK" }
    package var stagingDirectory: String { root + "/staging" }
    package var modelsDirectory: String { root + "/models" }

    package func nameDirectory(_ name: String) -> String {
        modelsDirectory + "/" + name
    }

    package func versionDirectory(_ name: String, _ version: Int64) -> String {
        nameDirectory(name) + "/" + String(version)
    }

    package func stagingArea(_ id: String) -> String {
        stagingDirectory + "/" + id
    }

    /// The files of one version, in the version directory or in a staging area (same names in both).
    package struct Files: Sendable, Equatable {
        package let directory: String
        package var source: String { directory + "/" + RegistryLayout.sourceFileName }
        package var artifact: String { directory + "/" + RegistryLayout.artifactFileName }
        package var metadata: String { directory + "/" + RegistryLayout.metadataFileName }

        package init(directory: String) {
            self.directory = directory
        }
    }

    /// Parses a version directory's name: a positive decimal without sign or leading zeros, so that
    /// every number has exactly one directory name.
    package static func versionNumber(fromDirectoryName name: String) -> Int64? {
        guard let first = name.utf8.first, first != UInt8(ascii: "0"),
            name.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let number = Int64(name), number > 0
        else { return nil }
        return number
    }
}
