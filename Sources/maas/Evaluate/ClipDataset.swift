import Foundation

/// A folder of labelled clips, `DIR/<label>/…`: each subdirectory of DIR is a class and every regular file
/// under it (at any depth) a clip of that class. Names starting with `.` are skipped (editor and OS litter);
/// files directly in DIR are ignored (a README or LICENSE beside the classes). Nothing is read here: which
/// files are audio is for the server's decoder to say, clip by clip.
struct ClipDataset {
    struct Clip {
        var path: String
        /// The name of the class directory the clip is in.
        var label: String
    }

    var root: String
    /// Class directories holding at least one clip, sorted.
    var labels: [String]
    /// Class directories with no clip in them, sorted.
    var emptyLabels: [String]
    /// Sorted by label, then path, so runs list failures in the same order.
    var clips: [Clip]

    static func scan(_ root: String) throws(CLIError) -> ClipDataset {
        guard FileManager.default.fileExists(atPath: root) else {
            throw CLIError("the data directory '\(root)' does not exist", exit: .badInputFile)
        }
        guard isDirectory(root) else {
            throw CLIError(
                "'\(root)' is not a directory", hint: "--data names a directory with one subdirectory of clips per label",
                exit: .badInputFile)
        }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: root)
        } catch {
            throw CLIError(
                "cannot list the data directory '\(root)': \(Self.reason(error))",
                hint: "--data names a directory with one subdirectory of clips per label", exit: .badInputFile)
        }
        var dataset = ClipDataset(root: root, labels: [], emptyLabels: [], clips: [])
        for label in entries.sorted() where !label.hasPrefix(".") {
            let directory = Self.join(root, label)
            guard isDirectory(directory) else { continue }
            let clips = try clipPaths(under: directory).map { Clip(path: $0, label: label) }
            if clips.isEmpty {
                dataset.emptyLabels.append(label)
            } else {
                dataset.labels.append(label)
                dataset.clips += clips
            }
        }
        return dataset
    }

    /// Every non-hidden regular file below `directory` (symbolic links followed), sorted by path.
    private static func clipPaths(under directory: String) throws(CLIError) -> [String] {
        var paths: [String] = []
        var pending = [directory]
        // Bounded by what is on disk; a symbolic-link cycle would repeat directories, so each is visited once.
        var visited = Set<String>()
        while let current = pending.popLast() {
            let resolved = (current as NSString).resolvingSymlinksInPath
            guard visited.insert(resolved).inserted else { continue }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: current)
            } catch {
                throw CLIError("cannot list '\(current)': \(Self.reason(error))", exit: .badInputFile)
            }
            for name in names where !name.hasPrefix(".") {
                let path = join(current, name)
                if isDirectory(path) {
                    pending.append(path)
                } else {
                    paths.append(path)
                }
            }
        }
        return paths.sorted()
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func reason(_ error: any Error) -> String { error.localizedDescription }
}
