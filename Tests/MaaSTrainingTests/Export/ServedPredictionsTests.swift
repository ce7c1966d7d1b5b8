import MaaSAudio
import MaaSEngine
import MaaSProtocol
import Testing
@testable import MaaSTraining

@Suite("Served predictions")
struct ServedPredictionsTests {
    @Test("the compiled plan with the served clip decision classifies every clip as training's own forward pass does",
          arguments: ClipDecision.allCases)
    func agreeWithTraining(decision: ClipDecision) throws {
        let data = SyntheticClips.make(perClass: 8, seed: 12)
        var configuration = SyntheticClips.configuration
        configuration.clipDecision = decision
        configuration.epochs = 6
        let trainer = try Trainer(configuration: configuration, train: data, validation: nil)
        while !trainer.isFinished { trainer.runEpoch() }
        var audio = MFCCConfiguration.speech16k
        audio.nMFCC = data.features
        let model = try LoadedModel.load(bytes: try TrainedModel(trainer.state, audio: audio).compiled().serialized())
        let served = try ServedPredictions.predict(model, clips: data.clips, features: data.features, decision: decision)
        #expect(served == trainer.predictions(data))
        #expect(Set(served).count == 3)
    }

    @Test("the decision rules pick the class with the best mean log-probability or the best last frame")
    func decide() {
        // Two frames, two classes: class 0 wins the mean of logs, class 1 the last frame.
        let probabilities: [Float] = [0.9, 0.1, 0.4, 0.6]
        #expect(ServedPredictions.decide(probabilities, frames: 2, decision: .meanLogProb) == 0)
        #expect(ServedPredictions.decide(probabilities, frames: 2, decision: .lastFrame) == 1)
        // A probability that underflowed to zero does not make the mean −∞ for every class.
        #expect(ServedPredictions.decide([0, 1, 0.5, 0.5], frames: 2, decision: .meanLogProb) == 1)
    }
}
