import MaaSProtocol

extension ServingConfig {
    /// The configuration a new version is stored with: the upload header's parts, else the model file's
    /// metadata, validated and resolved against the model's signature (feature layout, input and scores
    /// output filled in). Throws when anything cannot fit, so a bad config fails at registration.
    /// - Parameter model: how to name the model in messages, e.g. `model 'kws'`.
    public static func resolve(
        headerAudio: AudioFrontEnd?, headerClasses: ClassLabels?, fileMetadata: [String: String],
        inputs: [TensorSpec], outputs: [TensorSpec], model: String
    ) throws(ConfigError) -> (audio: AudioFrontEnd?, classes: ClassLabels?) {
        let file = try ServingConfig(metadata: fileMetadata)
        var audio = headerAudio.map(AudioConfig.init(frontEnd:)) ?? file.audio
        var audioLayout: FeatureLayout? = nil
        if var config = audio {
            try config.validate()
            let binding = try AudioBinding.resolve(config, inputs: inputs, model: model)
            config.layout = binding.layout
            config.input = binding.input
            audioLayout = binding.layout
            audio = config
        }
        var classes = headerClasses.map(ClassesConfig.init(labels:)) ?? file.classes
        if var config = classes {
            try config.validate()
            let binding = try ClassBinding.resolve(config, outputs: outputs, audioLayout: audioLayout, model: model)
            config.output = binding.output
            classes = config
        }
        return (audio?.frontEnd, classes?.labels)
    }
}
