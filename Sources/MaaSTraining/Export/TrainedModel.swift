import MaaSAudio
import MaaSEngine
import MaaSModelConfig
import MaaSProtocol

/// A trained network ready to serve: its weights, the front-end its features came from, and its labels.
public struct TrainedModel: Sendable {
    public var network: SpeechNetwork
    public var parameters: [Float]
    public var standardization: FeatureStandardization
    public var labels: [String]
    public var audio: MFCCConfiguration

    public init(network: SpeechNetwork, parameters: [Float], standardization: FeatureStandardization, labels: [String],
                audio: MFCCConfiguration) {
        precondition(labels.count == network.shape.classes && audio.nMFCC == network.shape.features)
        self.network = network
        self.parameters = parameters
        self.standardization = standardization
        self.labels = labels
        self.audio = audio
    }

    /// The run's final weights (the best validation epoch's, when there was validation).
    public init(_ state: TrainingState, audio: MFCCConfiguration) {
        self.init(network: SpeechNetwork(shape: state.shape, decision: state.configuration.clipDecision),
                  parameters: state.finalParameters, standardization: state.standardization, labels: state.labels, audio: audio)
    }

    /// What the server needs to take audio and answer with labels, exactly as training computed them: the MFCC
    /// front-end, features fed time-major [T, 1, F] into "mfcc", and the clip decision over "probabilities".
    public var servingConfig: ServingConfig {
        ServingConfig(
            audio: AudioConfig(features: audio, layout: .timeMajor, input: OnnxExport.inputName),
            classes: ClassesConfig(names: labels, output: OnnxExport.outputName, clipDecision: network.decision))
    }

    /// The ONNX model with the serving config in its `metadata_props` (plus `extra` entries).
    public func onnx(extraMetadata extra: [String: String] = [:]) -> [UInt8] {
        OnnxExport.model(network: network, parameters: parameters, standardization: standardization,
                         metadata: servingConfig.metadata().merging(extra) { mine, _ in mine })
    }

    /// The native plan `maas register` and `maas serve` load.
    public func compiled(extraMetadata extra: [String: String] = [:]) throws(TrainingError) -> CompiledModel {
        do {
            return try ModelCompiler.compile(onnx: onnx(extraMetadata: extra), metadata: servingConfig.metadata())
        } catch {
            throw TrainingError(.export, "the exported model does not compile: \(error)")
        }
    }

    /// Compiles and writes the native `.maas` file (replaced if present, fsynced).
    public func write(toFileAt path: String) throws(TrainingError) {
        do {
            try compiled().write(toFileAt: path)
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError(.io, "cannot write \(path): \(error)")
        }
    }
}
