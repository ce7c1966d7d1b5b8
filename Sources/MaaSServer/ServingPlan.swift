import MaaSAudio
import MaaSModelConfig
import MaaSProtocol
import Synchronization

/// What a version needs besides its model to answer a Predict: the audio front-end (built once: window,
/// FFT plan, mel matrix) with where its features go, and the reader of its class scores.
struct ServingPlan: Sendable {
    let extractor: FeatureExtractor?
    let audio: AudioBinding?
    let classes: ClassDecoder?
    /// How long the model and the audio front-end take on one request, to decide where they run.
    let modelTime = StepTimer()
    let featureTime = StepTimer()

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

/// Serving plans by name and version, built on first use and kept (a version never changes).
final class ServingPlans: Sendable {
    private struct Key: Hashable {
        let name: String
        let version: Int64
    }

    private let plans = Mutex<[Key: ServingPlan]>([:])

    func plan(for version: ModelVersion) throws(RPCError) -> ServingPlan {
        let key = Key(name: version.name, version: version.version)
        if let plan = plans.withLock({ $0[key] }) { return plan }
        let plan = try ServingPlan(version: version)
        plans.withLock { $0[key] = plan }
        return plan
    }
}

/// A running estimate of how long a step of one version takes (an exponentially weighted mean), so short
/// steps can run in the caller's thread instead of paying a hop to a worker and back.
final class StepTimer: Sendable {
    /// Steps estimated below this run inline (`InferencePool.run(inline:)`).
    static let inlineLimit: Duration = .milliseconds(1)

    private let mean = Mutex<Double?>(nil)

    /// Known, and short enough to run inline.
    var isShort: Bool {
        mean.withLock { $0.map { $0 < Self.seconds(Self.inlineLimit) } ?? false }
    }

    /// Runs `step`, adding its duration to the estimate.
    func measure<T>(_ step: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        let result = try step()
        let elapsed = Self.seconds(ContinuousClock.now - start)
        mean.withLock { mean in mean = mean.map { 0.8 * $0 + 0.2 * elapsed } ?? elapsed }
        return result
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
