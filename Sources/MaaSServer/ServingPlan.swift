import MaaSAudio
import MaaSModelConfig
import MaaSProtocol

/// What a version needs besides its model to answer a Predict: the audio front-end (built once: window,
/// FFT plan, mel matrix) with where its features go, the reader of its class scores, and what its calls
/// have cost when they ran alone.
struct ServingPlan: Sendable {
    let extractor: FeatureExtractor?
    let audio: AudioBinding?
    let classes: ClassDecoder?
    /// Shared by every copy of the plan (a class): learned as the version serves.
    let soloCosts = SoloCosts()

    /// Built from the stored version, whose configuration was validated and resolved at registration.
    init(version: ModelVersion) throws(RPCError) {
        let model = "model '\(version.name)' version \(version.version)"
        do throws(ConfigError) {
            if let frontEnd = version.audio {
                let config = AudioConfig(frontEnd: frontEnd)
                extractor = try config.makeExtractor()
                audio = try AudioBinding.resolve(config, inputs: version.inputs, model: model)
            } else {
                extractor = nil
                audio = nil
            }
            if let labels = version.classes {
                let config = ClassesConfig(labels: labels)
                try config.validate()
                let binding = try ClassBinding.resolve(
                    config, outputs: version.outputs, audioLayout: audio?.layout, model: model)
                classes = ClassDecoder(classes: config, binding: binding)
            } else {
                classes = nil
            }
        } catch {
            // Registration resolved this same configuration, so only a damaged version file gets here.
            throw RPCError(.failedPrecondition, "\(model) has a serving configuration the server cannot use: \(error.message)")
        }
    }
}
