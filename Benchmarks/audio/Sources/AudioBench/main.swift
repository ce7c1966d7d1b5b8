// Times MaaSAudio on the clips the benchmark script made and prints them beside librosa's times.
//
//   AudioBench <clip folder> <librosa results json> [seconds per measurement]
//
// For each clip (profile rate, 1 s / 10 s / 60 s): "features" is FeatureExtractor.mfcc on the decoded clip
// (peak normalisation + STFT + mel + dB + DCT, no resampling), "pipeline" is decode from bytes + resample
// from 44.1 kHz + the same. librosa's side is timed the same way by librosa_side.py.
// Rows for maas alone: "decode" (a 16-bit WAV at the profile rate to samples) and "native" (that + features).
import Foundation
import MaaSAudio

struct Timing: Codable {
    let profile: String
    let seconds: Int
    let stage: String
    let median: Double
    let best: Double
}

func measure(budget: Double, _ body: () throws -> Void) rethrows -> (median: Double, best: Double) {
    for _ in 0..<2 { try body() }
    var samples: [Double] = []
    let clock = ContinuousClock()
    let start = clock.now
    while samples.count < 5 || (clock.now - start < .seconds(budget) && samples.count < 1000) {
        let t0 = clock.now
        try body()
        let elapsed = clock.now - t0
        samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    samples.sort()
    return (samples[samples.count / 2], samples[0])
}

let arguments = CommandLine.arguments
// `AudioBench --loop <clip folder> <profile> <seconds> <iterations> [avx512f|avx2|generic]`: only the
// features of one clip, repeated, for a profiler (perf record, valgrind --tool=callgrind) to attribute the
// time, or `time` to compare the kernels' instruction-set variants.
// `--loop-native` instead decodes the clip's WAV bytes each time too (the "native" row: what a server does).
if arguments.count >= 6, arguments[1] == "--loop" || arguments[1] == "--loop-native" {
    let configuration: MFCCConfiguration = arguments[3] == "speech16k" ? .speech16k : .librosaDefault
    var kernels = FFTKernels.best
    if arguments.count > 6 {
        guard let chosen = FFTKernels.available.first(where: { $0.name == arguments[6] }) else {
            FileHandle.standardError.write(Data("this CPU does not run \(arguments[6])\n".utf8))
            exit(2)
        }
        kernels = chosen
    }
    let extractor = try FeatureExtractor(configuration, kernels: kernels)
    let path = URL(fileURLWithPath: arguments[2]).appendingPathComponent("clip_\(configuration.sampleRate)_\(arguments[4])s.wav")
    let bytes = [UInt8](try Data(contentsOf: path))
    let clip = try AudioDecoder.decode(bytes, maxDuration: 61)
    let decodes = arguments[1] == "--loop-native"
    for _ in 0..<Int(arguments[5])! { _ = try extractor.mfcc(decodes ? AudioDecoder.decode(bytes, maxDuration: 61) : clip) }
    exit(0)
}
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: AudioBench <clip folder> <librosa results json> [seconds]\n".utf8))
    exit(2)
}
let folder = URL(fileURLWithPath: arguments[1])
let librosa = try JSONDecoder().decode([Timing].self, from: Data(contentsOf: URL(fileURLWithPath: arguments[2])))
let budget = arguments.count > 3 ? Double(arguments[3])! : 1.0

let profiles: [(String, MFCCConfiguration)] = [("librosaDefault", .librosaDefault), ("speech16k", .speech16k)]
var ours: [Timing] = []
for (name, configuration) in profiles {
    let extractor = try FeatureExtractor(configuration)
    for seconds in [1, 10, 60] {
        let native = [UInt8](try Data(contentsOf: folder.appendingPathComponent("clip_\(configuration.sampleRate)_\(seconds)s.wav")))
        let clip = try AudioDecoder.decode(native, maxDuration: 61)
        let features = try measure(budget: budget) { _ = try extractor.mfcc(clip) }
        ours.append(Timing(profile: name, seconds: seconds, stage: "features", median: features.median, best: features.best))
        // maas only: what a server does with a 16-bit WAV already at the model's rate (no resampling).
        let decode = try measure(budget: budget) { _ = try AudioDecoder.decode(native, maxDuration: 61) }
        ours.append(Timing(profile: name, seconds: seconds, stage: "decode", median: decode.median, best: decode.best))
        let served = try measure(budget: budget) { _ = try extractor.mfcc(AudioDecoder.decode(native, maxDuration: 61)) }
        ours.append(Timing(profile: name, seconds: seconds, stage: "native", median: served.median, best: served.best))
        let cd = [UInt8](try Data(contentsOf: folder.appendingPathComponent("clip_44100_\(seconds)s.wav")))
        let pipeline = try measure(budget: budget) { _ = try extractor.mfcc(AudioDecoder.decode(cd, maxDuration: 61)) }
        ours.append(Timing(profile: name, seconds: seconds, stage: "pipeline", median: pipeline.median, best: pipeline.best))
    }
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
func ms(_ x: Double) -> String { String(format: "%.3f", x * 1e3) }
print("MFCC time per second of audio, in ms (median of repeated runs; best in brackets); ratio = librosa / maas")
print([pad("profile", 14), pad("stage", 9), pad("clip", 5), pad("maas ms/s", 20), pad("librosa ms/s", 22), pad("ratio", 7)].joined(separator: " "))
for t in ours {
    guard let l = librosa.first(where: { $0.profile == t.profile && $0.seconds == t.seconds && $0.stage == t.stage }) else { continue }
    let s = Double(t.seconds)
    print([pad(t.profile, 14), pad(t.stage, 9), pad("\(t.seconds) s", 5),
           pad("\(ms(t.median / s)) (\(ms(t.best / s)))", 20), pad("\(ms(l.median / s)) (\(ms(l.best / s)))", 22),
           pad(String(format: "%.1f×", l.median / t.median), 7)].joined(separator: " "))
}
print("")
print("maas only, µs per clip (median; best in brackets): decode = 16-bit WAV at the profile's rate to samples;")
print("native = decode + features, what a server does with such a clip")
print([pad("profile", 14), pad("stage", 9), pad("clip", 5), pad("maas µs/clip", 20)].joined(separator: " "))
for t in ours where t.stage == "decode" || t.stage == "native" {
    let us = { (x: Double) in String(format: "%.1f", x * 1e6) }
    print([pad(t.profile, 14), pad(t.stage, 9), pad("\(t.seconds) s", 5), pad("\(us(t.median)) (\(us(t.best)))", 20)].joined(separator: " "))
}
