import MaaSAudio
import MaaSEngine
import MaaSModelConfig
import MaaSProtocol

/// A Predict's audio and what turns it into the model's input.
struct AudioInput: Sendable {
    let audio: PredictRequest.Audio
    let extractor: FeatureExtractor
    let binding: AudioBinding

    /// Decodes, resamples, normalizes and computes MFCCs; `modelInput` is shaped for the model, `features`
    /// is the plain [T, n_mfcc] matrix. Audio problems are INVALID_ARGUMENT with the decoder's reason.
    func features(limits: AudioLimits, model: String) throws(RPCError) -> (modelInput: HostTensor, features: HostTensor) {
        let mfcc: (frames: Int, coefficients: Int, values: [Float])
        do throws(AudioError) {
            let clip: AudioClip
            switch audio {
            case .file(let bytes):
                clip = try AudioDecoder.decode(bytes, limits: limits)
            case .pcm(let raw):
                clip = try Self.decode(raw, limits: limits)
            }
            mfcc = try extractor.mfcc(clip)
        } catch {
            let text = error.description
            throw RPCError(.invalidArgument, text.hasPrefix("audio") ? text : "audio: \(text)")
        }
        if let fixed = binding.fixedFrames, fixed != mfcc.frames {
            let rate = extractor.configuration.sampleRate
            let hop = extractor.configuration.hopLength
            throw RPCError(
                .invalidArgument,
                "model \(model) takes exactly \(fixed) frames (about \(Self.seconds(fixed, hop: hop, rate: rate)) s of audio) "
                    + "but the clip makes \(mfcc.frames); send a clip of that length")
        }
        let shape = binding.shape(frames: mfcc.frames, coefficients: mfcc.coefficients).map { Int($0) }
        return (
            HostTensor(shape: shape, floats: mfcc.values),
            HostTensor(shape: [mfcc.frames, mfcc.coefficients], floats: mfcc.values)
        )
    }

    /// Raw PCM: interleaved channels are averaged to mono first, as for files.
    private static func decode(_ raw: RawAudio, limits: AudioLimits) throws(AudioError) -> AudioClip {
        let channels = raw.channels == 0 ? 1 : Int(raw.channels)
        guard (1...limits.maxChannels).contains(channels) else {
            throw AudioError(.invalidParameter(name: "channels", reason: "must be between 1 and \(limits.maxChannels), got \(raw.channels)"))
        }
        guard raw.samples.count % (4 * channels) == 0 else {
            throw AudioError(.invalidParameter(
                name: "samples", reason: "\(raw.samples.count) bytes is not a whole number of \(channels)-channel float32 frames"))
        }
        guard channels > 1 else {
            return try AudioDecoder.decodeRawFloat32(raw.samples, sampleRate: Int(raw.sampleRate), limits: limits)
        }
        let frames = raw.samples.count / (4 * channels)
        var mono = [UInt8](repeating: 0, count: frames * 4)
        raw.samples.withUnsafeBytes { source in
            mono.withUnsafeMutableBytes { target in
                for frame in 0..<frames {
                    var sum: Float = 0
                    for channel in 0..<channels {
                        let bits = source.loadUnaligned(fromByteOffset: (frame * channels + channel) * 4, as: UInt32.self)
                        sum += Float(bitPattern: UInt32(littleEndian: bits))
                    }
                    target.storeBytes(of: (sum / Float(channels)).bitPattern.littleEndian, toByteOffset: frame * 4, as: UInt32.self)
                }
            }
        }
        return try AudioDecoder.decodeRawFloat32(mono, sampleRate: Int(raw.sampleRate), limits: limits)
    }

    private static func seconds(_ frames: Int, hop: Int, rate: Int) -> String {
        let value = Double(max(frames - 1, 0) * hop) / Double(rate)
        return String(Double((value * 100).rounded()) / 100)
    }
}
