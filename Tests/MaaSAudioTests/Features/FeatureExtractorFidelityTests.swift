import Testing
@testable import MaaSAudio

/// Features computed from the fixture clips against librosa 0.11's, per clip and profile.
@Suite("MFCC fidelity to librosa")
struct FeatureExtractorFidelityTests {
    static let profiles: [String: MFCCConfiguration] = [
        "librosaDefault": .librosaDefault,
        "speech16k": .speech16k,
    ]

    static let cases: [(clip: String, profile: String)] = Fixtures.manifest.clips.flatMap { clip in
        clip.mfcc.map { (clip.file, $0.profile) }
    }

    @Test("MFCCs match librosa within 5e-3 at the native rate and 0.05 after resampling", arguments: cases)
    func mfccMatchesLibrosa(clip file: String, profile: String) throws {
        let clip = Fixtures.clip(file)
        let expected = clip.mfcc.first { $0.profile == profile }!
        let extractor = try FeatureExtractor(Self.profiles[profile]!)
        let audio = try AudioDecoder.decode(Fixtures.bytes(file), maxDuration: 60)
        let features = try extractor.mfcc(audio)
        #expect(features.frames == expected.frames)
        #expect(features.coefficients == expected.coefficients)
        let reference = Fixtures.floats(expected.file)
        try #require(features.values.count == reference.count)
        let worst = zip(features.values, reference).map { abs($0 - $1) }.max() ?? 0
        let tolerance: Float = expected.resampled ? 0.05 : 5e-3
        print("fidelity \(file) \(profile) resampled=\(expected.resampled) frames=\(features.frames) max|diff|=\(worst)")
        #expect(worst <= tolerance, "max |ours − librosa| = \(worst)")
    }

    @Test("every instruction-set variant the CPU runs matches librosa at the native rate, both profiles",
          arguments: [("speech_22050_s16.wav", "librosaDefault"), ("speech_16000_s16.flac", "speech16k")])
    func everyVariantMatchesLibrosa(clip file: String, profile: String) throws {
        let expected = Fixtures.clip(file).mfcc.first { $0.profile == profile }!
        let reference = Fixtures.floats(expected.file)
        let audio = try AudioDecoder.decode(Fixtures.bytes(file), maxDuration: 60)
        for kernels in FFTKernels.available {
            let features = try FeatureExtractor(Self.profiles[profile]!, kernels: kernels).mfcc(audio)
            try #require(features.values.count == reference.count)
            let worst = zip(features.values, reference).map { abs($0 - $1) }.max() ?? 0
            let name = kernels.name
            print("fidelity \(file) \(profile) \(name) max|diff|=\(worst)")
            #expect(worst <= 5e-3, "\(name): max |ours − librosa| = \(worst)")
        }
    }

    @Test("the mel power spectrogram matches librosa's to float precision")
    func melSpectrogramMatchesLibrosa() throws {
        let spec = Fixtures.manifest.melSpectrogram
        let extractor = try FeatureExtractor(Self.profiles[spec.profile]!)
        let mel = try extractor.melSpectrogram(AudioDecoder.decode(Fixtures.bytes(spec.clip), maxDuration: 60))
        #expect(mel.frames == spec.frames)
        #expect(mel.bands == spec.bands)
        let reference = Fixtures.floats(spec.file)
        try #require(mel.values.count == reference.count)
        let peak = reference.max()!
        // Relative to each value, with a floor far below the 80 dB that power_to_db keeps.
        let worst = zip(mel.values, reference).map { abs($0 - $1) / max(abs($1), peak * 1e-9) }.max()!
        print("fidelity mel relative max|diff|=\(worst)")
        #expect(worst <= 1e-3)
    }

    @Test("the resampled, peak-normalised signal matches librosa.load + normalize")
    func preparedSignalMatchesLibrosa() throws {
        let spec = Fixtures.manifest.prepared
        let extractor = try FeatureExtractor(Self.profiles[spec.profile]!)
        let prepared = try extractor.prepare(AudioDecoder.decode(Fixtures.bytes(spec.clip), maxDuration: 60))
        let reference = Fixtures.floats(spec.file)
        #expect(prepared.samples.count == spec.samples)
        #expect(prepared.sampleRate == extractor.configuration.sampleRate)
        try #require(prepared.samples.count == reference.count)
        let worst = zip(prepared.samples, reference).map { abs($0 - $1) }.max()!
        print("fidelity prepared max|diff|=\(worst)")
        #expect(worst <= 1e-4)
    }

    @Test("every non-default parameter at once matches librosa (nFFT 400, HTK, magnitude, no floor, lifter, uncentred)")
    func customConfigurationMatchesLibrosa() throws {
        let spec = Fixtures.manifest.custom
        let extractor = try FeatureExtractor(spec.configuration)
        let features = try extractor.mfcc(AudioDecoder.decode(Fixtures.bytes(spec.clip), maxDuration: 60))
        #expect(features.frames == spec.frames)
        #expect(features.coefficients == spec.coefficients)
        let reference = Fixtures.floats(spec.file)
        try #require(features.values.count == reference.count)
        let worst = zip(features.values, reference).map { abs($0 - $1) }.max()!
        print("fidelity custom (resampled) max|diff|=\(worst)")
        #expect(worst <= 0.05)
    }
}
