import Foundation
import MaaSAudio
import Testing
@testable import MaaSTraining

@Suite("Dataset loading")
struct DatasetLoaderTests {
    @Test("labels are the sorted subdirectories; features are the serving front-end's own MFCCs, in file order")
    func loadsTones() throws {
        let root = try ToneFiles.directory([("low", [300, 320, 340]), ("high", [2000, 2100]), ("mid", [900, 950])])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Data("notes".utf8).write(to: URL(fileURLWithPath: root + "/.hidden"))
        let labels = try DatasetLoader.labels(in: root)
        #expect(labels == ["high", "low", "mid"])
        let extractor = try FeatureExtractor(.speech16k)
        let clips = try DatasetLoader.load(root, labels: labels, extractor: extractor)
        #expect(clips.count == 7)
        #expect(clips.countsPerLabel == [2, 3, 2])
        #expect(clips.features == 13)
        #expect(clips.sources[2] == root + "/low/0.wav")
        let direct = try extractor.mfcc(try AudioDecoder.decode(ToneFiles.wav(frequency: 300, seconds: 0.2), maxDuration: 10))
        #expect(clips.clips[2] == FeatureClip(frames: direct.frames, values: direct.values, label: 1))
        // Different lengths give different frame counts.
        #expect(clips.clips[2].frames < clips.clips[4].frames)
    }

    @Test("speed-perturbed copies are the clip played slower or faster: more or fewer frames, same label")
    func speedPerturbation() throws {
        let root = try ToneFiles.directory([("a", [500]), ("b", [1000])], seconds: 0.5)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let extractor = try FeatureExtractor(.speech16k)
        let clips = try DatasetLoader.load(root, labels: ["a", "b"], extractor: extractor)
        let copies = try DatasetLoader.speedPerturbed(clips, factors: [0.5, 2], extractor: extractor)
        #expect(copies.count == 4)
        #expect(copies.clips.map(\.label) == [0, 1, 0, 1])
        #expect(copies.sources[0] == clips.sources[0] + "@0.5")
        // 0.5 s at speed 0.5 lasts 1 s: 101 frames instead of 51; at speed 2, 0.25 s: 26.
        #expect(clips.clips[0].frames == 51)
        #expect(copies.clips[0].frames == 101 && copies.clips[2].frames == 26)
        // The 1000 Hz tone played at half speed is a 500 Hz tone: its features match the 500 Hz clip's frames.
        let slowed = copies.clips[1], tone = clips.clips[0]
        let middle = 20
        let difference = (0..<13).map { abs(slowed.values[middle * 13 + $0] - tone.values[middle * 13 + $0]) }.max()!
        #expect(difference < 1, "max coefficient difference \(difference) dB")
    }

    @Test("a file that is not audio is an error naming it")
    func badFile() throws {
        let root = try ToneFiles.directory([("a", [300]), ("b", [600])])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: root + "/b/broken.wav"))
        let error = try #require(throws: TrainingError.self) {
            try DatasetLoader.load(root, labels: ["a", "b"], extractor: try FeatureExtractor(.speech16k))
        }
        #expect(error.message.contains("b/broken.wav"))
    }

    @Test("a directory without label subdirectories is refused")
    func noLabels() throws {
        let root = try ToneFiles.directory([])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: TrainingError.self) { try DatasetLoader.labels(in: root) }
    }

    @Test("the validation split is stratified, deterministic, and leaves every label a training clip")
    func split() {
        let data = SyntheticClips.make(perClass: 10, seed: 8)
        let (train, validation) = data.split(validationFraction: 0.2, seed: 3)
        #expect(validation.countsPerLabel == [2, 2, 2])
        #expect(train.countsPerLabel == [8, 8, 8])
        #expect(Set(train.sources).isDisjoint(with: validation.sources))
        let again = data.split(validationFraction: 0.2, seed: 3)
        #expect(again.validation.sources == validation.sources)
        #expect(data.split(validationFraction: 0.2, seed: 4).validation.sources != validation.sources)
        let tiny = SyntheticClips.make(perClass: 1, seed: 8).split(validationFraction: 0.9, seed: 1)
        #expect(tiny.train.countsPerLabel == [1, 1, 1])
    }

    @Test("standardisation gives every coefficient mean 0 and variance 1 over the training frames")
    func standardization() {
        let data = SyntheticClips.make(perClass: 10, seed: 9)
        let standardization = FeatureStandardization(measuring: data.clips, features: 4)
        let values = standardization.apply(to: data).clips.flatMap(\.values)
        for k in 0..<4 {
            let column = stride(from: k, to: values.count, by: 4).map { Double(values[$0]) }
            let mean = column.reduce(0, +) / Double(column.count)
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)
            #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-3)
        }
    }
}
