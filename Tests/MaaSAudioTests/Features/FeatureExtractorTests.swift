import Glibc
import Testing
@testable import MaaSAudio

@Suite("FeatureExtractor")
struct FeatureExtractorTests {
    @Test("frames = 1 + samples / hop with centring", arguments: [1, 511, 512, 513, 22050])
    func frameCount(samples: Int) throws {
        let extractor = try FeatureExtractor(.librosaDefault)
        let clip = AudioClip(samples: (0..<samples).map { Float(sin(Double($0) * 0.05)) }, sampleRate: 22050)
        let features = try extractor.mfcc(clip)
        #expect(features.frames == 1 + samples / 512)
        #expect(features.coefficients == 20)
        #expect(features.values.count == features.frames * 20)
        #expect(features.values.allSatisfy { $0.isFinite })
    }

    @Test("silence stays silence: no division by a zero peak")
    func silence() throws {
        let extractor = try FeatureExtractor(.speech16k)
        let prepared = try extractor.prepare(AudioClip(samples: [Float](repeating: 0, count: 1600), sampleRate: 16000))
        #expect(prepared.samples.allSatisfy { $0 == 0 })
        let features = try extractor.mfcc(AudioClip(samples: [Float](repeating: 0, count: 1600), sampleRate: 16000))
        // Every band is at the 1e-10 floor (-100 dB): c0 = -100 · sqrt(40), the rest 0.
        #expect(abs(features.values[0] - (-100 * Float(40).squareRoot())) < 1e-3)
        #expect(abs(features.values[1]) < 1e-3)
    }

    @Test("peak normalisation makes a clip's level irrelevant, from loud to far below 16-bit resolution",
          arguments: [Float(4), 0.5, 1e-3, 1e-5, 1e-20, 1e-35])
    func levelIndependence(gain: Float) throws {
        let extractor = try FeatureExtractor(.speech16k)
        let clip = try AudioDecoder.decode(Fixtures.bytes("speech_16000_s24.wav"), maxDuration: 60)
        let reference = try extractor.mfcc(clip).values
        let scaled = try extractor.mfcc(AudioClip(samples: clip.samples.map { $0 * gain }, sampleRate: clip.sampleRate)).values
        let worst = zip(reference, scaled).map { abs($0 - $1) }.max()!
        #expect(worst <= 2e-3, "gain \(gain): max |diff| \(worst)")
    }

    @Test("subnormal samples count as zeros (their power underflows in librosa too)")
    func subnormalsAreZeros() throws {
        let extractor = try FeatureExtractor(.speech16k)
        let tiny = Float.leastNormalMagnitude / 4
        var noisy = (0..<4000).map { Float(sin(Double($0) * 0.3)) * 0.5 }
        let clean = noisy
        for i in stride(from: 3000, to: 4000, by: 2) { noisy[i] = 0; noisy[i + 1] = (i % 4 == 0 ? tiny : -tiny) }
        var zeroed = clean
        for i in 3000..<4000 { zeroed[i] = 0 }
        let a = try extractor.mfcc(AudioClip(samples: noisy, sampleRate: 16000)).values
        let b = try extractor.mfcc(AudioClip(samples: zeroed, sampleRate: 16000)).values
        #expect(a == b)
        let silence = try extractor.mfcc(AudioClip(samples: [Float](repeating: 0, count: 4000), sampleRate: 22050)).values
        let allTiny = try extractor.mfcc(AudioClip(samples: [Float](repeating: tiny, count: 4000), sampleRate: 22050)).values
        #expect(silence == allTiny)
    }

    @Test("peak normalisation divides by the largest magnitude")
    func peakNormalisation() throws {
        let extractor = try FeatureExtractor(.speech16k)
        let prepared = try extractor.prepare(AudioClip(samples: [0.1, -0.4, 0.2], sampleRate: 16000))
        #expect(prepared.samples == [0.1 / 0.4, -1, 0.2 / 0.4])
    }

    @Test("a clip whose resampled length would not fit in memory is refused before resampling")
    func hugeUpsampling() throws {
        let extractor = try FeatureExtractor(.librosaDefault)
        #expect {
            try extractor.mfcc(AudioClip(samples: [Float](repeating: 0.1, count: 20000), sampleRate: 1))
        } throws: { error in
            if case .tooLarge(what: "samples after resampling", _, _) = (error as? AudioError)?.kind { return true }
            return false
        }
    }

    @Test("clips that cannot be analysed fail with the right error")
    func badClips() throws {
        let extractor = try FeatureExtractor(.speech16k)
        #expect(throws: AudioError(.empty)) { try extractor.mfcc(AudioClip(samples: [], sampleRate: 16000)) }
        #expect(throws: AudioError(.nonFinite(sampleIndex: 1))) {
            try extractor.mfcc(AudioClip(samples: [0, .nan], sampleRate: 16000))
        }
        var uncentred = MFCCConfiguration.speech16k
        uncentred.center = false
        #expect {
            try FeatureExtractor(uncentred).mfcc(AudioClip(samples: [0.5, 0.25], sampleRate: 16000))
        } throws: { error in
            if case .invalidParameter(name: "audio length", _) = (error as? AudioError)?.kind { return true }
            return false
        }
    }

    @Test("one extractor serves concurrent calls with identical results")
    func concurrentCalls() async throws {
        let extractor = try FeatureExtractor(.librosaDefault)
        let clip = try AudioDecoder.decode(Fixtures.bytes("speech_22050_s16.wav"), maxDuration: 60)
        let reference = try extractor.mfcc(clip).values
        try await withThrowingTaskGroup(of: [Float].self) { group in
            for _ in 0..<8 { group.addTask { try extractor.mfcc(clip).values } }
            for try await values in group { #expect(values == reference) }
        }
    }
}
