import Dispatch
import Foundation
import MaaSAudio
import Synchronization

/// Reads `DIR/<label>/<clip>` trees into MFCC sequences computed by the serving front-end itself
/// (`FeatureExtractor`), so the features a model trains on are bit for bit those it is served.
public enum DatasetLoader {
    /// The labels of a data directory: its subdirectories (not hidden), sorted by name.
    public static func labels(in directory: String) throws(TrainingError) -> [String] {
        let entries = try listing(directory)
        let labels = entries.filter { isDirectory(directory + "/" + $0) }
        guard !labels.isEmpty else {
            throw TrainingError(.invalidData, "\(directory) has no label subdirectories (expected DIR/<label>/<clip>)")
        }
        return labels
    }

    /// Every clip under `directory/<label>/` for the given labels (a label without a subdirectory has no clips),
    /// files sorted by name within each label. Decoding and features run on all cores; the result does not
    /// depend on how many there are. `progress` is called with the number of clips done so far.
    public static func load(
        _ directory: String, labels: [String], extractor: FeatureExtractor, maxClipSeconds: Double = 60,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(TrainingError) -> LabelledClips {
        var found: [(path: String, label: Int)] = []
        for (index, label) in labels.enumerated() {
            let folder = directory + "/" + label
            guard isDirectory(folder) else { continue }
            for name in try listing(folder) where !isDirectory(folder + "/" + name) {
                found.append((folder + "/" + name, index))
            }
        }
        let files = found
        let results = ResultSlots<Result<FeatureClip, TrainingError>>(count: files.count)
        let done = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let file = files[i]
            results[i] = Result { () throws(TrainingError) in
                try features(of: file.path, label: file.label, extractor: extractor, maxClipSeconds: maxClipSeconds)
            }
            let finished = done.wrappingAdd(1, ordering: .relaxed).newValue
            progress?(finished, files.count)
        }
        var clips: [FeatureClip] = []
        clips.reserveCapacity(files.count)
        for i in files.indices {
            // The first failure in file order, whichever thread met it first.
            clips.append(try results[i]!.get())
        }
        return LabelledClips(labels: labels, clips: clips, sources: files.map(\.path), features: extractor.configuration.nMFCC)
    }

    static func features(of path: String, label: Int, extractor: FeatureExtractor, maxClipSeconds: Double) throws(TrainingError) -> FeatureClip {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError(.io, "cannot read \(path)")
        }
        do {
            let clip = try AudioDecoder.decode([UInt8](data), maxDuration: maxClipSeconds)
            let mfcc = try extractor.mfcc(clip)
            guard mfcc.frames > 0 else { throw TrainingError(.invalidData, "\(path) is too short for one frame") }
            return FeatureClip(frames: mfcc.frames, values: mfcc.values, label: label)
        } catch let error as AudioError {
            throw TrainingError(.invalidData, "\(path): \(error)")
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError(.invalidData, "\(path): \(error)")
        }
    }

    /// Names in a directory, sorted by their bytes, without hidden entries.
    static func listing(_ directory: String) throws(TrainingError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { !$0.hasPrefix(".") }
                .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        } catch {
            throw TrainingError(.io, "cannot list \(directory): \(error.localizedDescription)")
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}

/// One slot per index, written once each by `concurrentPerform` iterations (never the same index twice), read
/// after all of them finished.
final class ResultSlots<Value>: @unchecked Sendable {
    private var values: [Value?]
    private let lock = Mutex(())

    init(count: Int) { values = [Value?](repeating: nil, count: count) }

    subscript(index: Int) -> Value? {
        get { lock.withLock { _ in values[index] } }
        set { lock.withLock { _ in values[index] = newValue } }
    }
}
