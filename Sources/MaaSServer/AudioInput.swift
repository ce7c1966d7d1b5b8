import MaaSAudio
import MaaSEngine
import MaaSModelConfig
import MaaSProtocol

/// A Predict's audio and what turns it into the model's input.
struct AudioInput: Sendable {
    let audio: PredictRequest.Audio
    let extractor: FeatureExtractor
    let binding: AudioBinding

    /// The clip's features, shaped for the model (`modelInput`) and as the plain [T, n_mfcc] matrix
    /// (`features`), with how long the clip is.
    struct Computed {
        let modelInput: HostTensor
        let features: HostTensor
        let seconds: Double
    }

    /// Decodes, resamples, normalizes and computes MFCCs. Audio problems are INVALID_ARGUMENT with the
    /// decoder's reason.
    func features(limits: AudioLimits, model: String) throws(RPCError) -> Computed {
        try features(of: decode(limits: limits), model: model)
    }

    /// The clip as samples, from a file (decoded where its bytes are: in the request's frame) or raw samples.
    func decode(limits: AudioLimits) throws(RPCError) -> AudioClip {
        // Admitting every length, the decode always returns a clip.
        try decode(limits: limits, admitting: { _ in true })!
    }

    /// The clip as samples if `admit` accepts its length in seconds, else nil: a file's length is read from its
    /// header, before anything is decoded, and bounds the decoded clip (however few bytes held it: a
    /// compressed clip of silence); raw samples are counted by their bytes.
    func decode(limits: AudioLimits, admitting admit: (_ seconds: Double) -> Bool) throws(RPCError) -> AudioClip? {
        do throws(AudioError) {
            switch audio {
            case .file(let bytes):
                return try bytes.withUnsafeBytes { (file) throws(AudioError) in
                    try AudioDecoder.decode(file, limits: limits, admitting: admit)
                }
            case .pcm(let raw):
                // channels 0 means 1 on the wire; MaaSAudio averages interleaved channels to mono, as for files.
                let channels = raw.channels == 0 ? 1 : Int(raw.channels)
                let clip = try raw.samples.withUnsafeBytes { (samples) throws(AudioError) in
                    try AudioDecoder.decodeRawFloat32(
                        samples, sampleRate: Int(raw.sampleRate), channels: channels, limits: limits)
                }
                return admit(clip.duration) ? clip : nil
            }
        } catch {
            throw Self.invalid(error)
        }
    }

    /// The features of a decoded clip (`decode`).
    func features(of clip: AudioClip, model: String) throws(RPCError) -> Computed {
        let mfcc: (frames: Int, coefficients: Int, values: [Float])
        do throws(AudioError) {
            mfcc = try extractor.mfcc(clip)
        } catch {
            throw Self.invalid(error)
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
        return Computed(
            modelInput: HostTensor(shape: shape, floats: mfcc.values),
            features: HostTensor(shape: [mfcc.frames, mfcc.coefficients], floats: mfcc.values),
            seconds: clip.duration)
    }

    private static func invalid(_ error: AudioError) -> RPCError {
        let text = error.description
        return RPCError(.invalidArgument, text.hasPrefix("audio") ? text : "audio: \(text)")
    }

    private static func seconds(_ frames: Int, hop: Int, rate: Int) -> String {
        let value = Double(max(frames - 1, 0) * hop) / Double(rate)
        return String(Double((value * 100).rounded()) / 100)
    }
}
