import Foundation

/// A folder of labelled clips, `DIR/<label>/<clip>`, read as `maas train` reads it (`DatasetLoader`): each
/// subdirectory of DIR is a class and every file directly in it a clip of that class. Names starting with
/// `.` are skipped (editor and OS litter); files directly in DIR (a README beside the classes) and
/// directories inside a class are ignored. Nothing is read here: which files are audio is for the server's
/// decoder to say, clip by clip.
struct ClipDataset {
    struct Clip {
        var path: String
        /// The name of the class directory the clip is in.
        var label: String
    }

    var root: String
    /// Class directories holding at least one clip, sorted (empty ones are left out).
    var labels: [String]
    /// In label order, then file-name order, so runs list failures in the same order.
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
                "cannot list the data directory '\(root)': \(error.localizedDescription)",
                hint: "--data names a directory with one subdirectory of clips per label", exit: .badInputFile)
        }
        var dataset = ClipDataset(root: root, labels: [], clips: [])
        let labels = entries.filter { !$0.hasPrefix(".") }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for label in labels {
            let directory = Self.join(root, label)
            guard isDirectory(directory) else { continue }
            let clips = try clipPaths(under: directory).map { Clip(path: $0, label: label) }
            guard !clips.isEmpty else { continue }
            dataset.labels.append(label)
            dataset.clips += clips
        }
        return dataset
    }

    /// The files directly in a class directory, as `maas train` takes them: not hidden, not directories,
    /// sorted by their UTF-8 bytes.
    private static func clipPaths(under directory: String) throws(CLIError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw CLIError("cannot list '\(directory)': \(error.localizedDescription)", exit: .badInputFile)
        }
        return names.filter { !$0.hasPrefix(".") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { join(directory, $0) }
            .filter { !isDirectory($0) }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
