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

    /// Speed perturbation (Ko et al. 2015): every clip of `clips` again at each factor, computed by the front-end
    /// from the clip's samples declared at `factor` × their rate, so resampling plays them faster (> 1) or slower
    /// (< 1) with pitch and formants shifted, roughly as another voice would say the word. Meant for training
    /// clips only, after the validation split, so no validation file leaks into training through a copy.
    public static func speedPerturbed(
        _ clips: LabelledClips, factors: [Double], extractor: FeatureExtractor, maxClipSeconds: Double = 60,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(TrainingError) -> LabelledClips {
        let jobs = factors.flatMap { factor in clips.clips.indices.map { (index: $0, factor: factor) } }
        let results = ResultSlots<Result<FeatureClip, TrainingError>>(count: jobs.count)
        let done = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            let job = jobs[i]
            results[i] = Result { () throws(TrainingError) in
                try features(of: clips.sources[job.index], label: clips.clips[job.index].label, extractor: extractor,
                             maxClipSeconds: maxClipSeconds, speed: job.factor)
            }
            progress?(done.wrappingAdd(1, ordering: .relaxed).newValue, jobs.count)
        }
        var perturbed: [FeatureClip] = []
        for i in jobs.indices { perturbed.append(try results[i]!.get()) }
        return LabelledClips(labels: clips.labels, clips: perturbed,
                             sources: jobs.map { "\(clips.sources[$0.index])@\($0.factor)" }, features: clips.features)
    }

    static func features(of path: String, label: Int, extractor: FeatureExtractor, maxClipSeconds: Double,
                         speed: Double = 1) throws(TrainingError) -> FeatureClip {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError(.io, "cannot read \(path)")
        }
        do {
            var clip = try AudioDecoder.decode([UInt8](data), maxDuration: maxClipSeconds)
            if speed != 1 { clip.sampleRate = Int((Double(clip.sampleRate) * speed).rounded()) }
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
