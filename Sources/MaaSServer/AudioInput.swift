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
                // Decoded where the bytes are: in the request's frame.
                clip = try bytes.withUnsafeBytes { (file) throws(AudioError) in
                    try AudioDecoder.decode(file, limits: limits)
                }
            case .pcm(let raw):
                // channels 0 means 1 on the wire; MaaSAudio averages interleaved channels to mono, as for files.
                let channels = raw.channels == 0 ? 1 : Int(raw.channels)
                clip = try raw.samples.withUnsafeBytes { (samples) throws(AudioError) in
                    try AudioDecoder.decodeRawFloat32(
                        samples, sampleRate: Int(raw.sampleRate), channels: channels, limits: limits)
                }
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


    private static func seconds(_ frames: Int, hop: Int, rate: Int) -> String {
        let value = Double(max(frames - 1, 0) * hop) / Double(rate)
        return String(Double((value * 100).rounded()) / 100)
    }
}
