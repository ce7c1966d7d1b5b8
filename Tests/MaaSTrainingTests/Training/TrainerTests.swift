import MaaSProtocol
import Testing
@testable import MaaSTraining

@Suite("Trainer")
struct TrainerTests {
    @Test("fits a small synthetic dataset to 100% training accuracy", arguments: ClipDecision.allCases)
    func fits(decision: ClipDecision) throws {
        let data = SyntheticClips.make(perClass: 12, seed: 1)
        var configuration = SyntheticClips.configuration
        configuration.clipDecision = decision
        let trainer = try Trainer(configuration: configuration, train: data, validation: nil)
        while !trainer.isFinished { trainer.runEpoch() }
        let history = trainer.state.history
        #expect(history.count == configuration.epochs)
        #expect(history.last!.trainLoss < history.first!.trainLoss / 4)
        #expect(trainer.evaluate(trainer.train, parameters: trainer.state.parameters).accuracy == 1)
    }

    @Test("the same seed gives bit-identical weights; another seed does not")
    func deterministic() throws {
        let data = SyntheticClips.make(perClass: 6, seed: 2)
        let split = data.split(validationFraction: 0.25, seed: 5)
        var configuration = SyntheticClips.configuration
        configuration.epochs = 3
        func run(seed: UInt64) throws -> TrainingState {
            configuration.seed = seed
            let trainer = try Trainer(configuration: configuration, train: split.train, validation: split.validation)
            while !trainer.isFinished { trainer.runEpoch() }
            return trainer.state
        }
        let first = try run(seed: 1), second = try run(seed: 1), other = try run(seed: 2)
        #expect(first.parameters.map(\.bitPattern) == second.parameters.map(\.bitPattern))
        #expect(first.sameRun(as: second))
        #expect(first.parameters != other.parameters)
    }

    @Test("resuming from a checkpoint file gives exactly the uninterrupted run", arguments: [false, true])
    func resume(augmented: Bool) throws {
        let data = SyntheticClips.make(perClass: 6, seed: 3)
        let split = data.split(validationFraction: 0.25, seed: 5)
        var configuration = SyntheticClips.configuration
        configuration.epochs = 4
        if augmented { configuration.augmentation = Augmentation(maxShift: 3, noise: 0.2) }
        let whole = try Trainer(configuration: configuration, train: split.train, validation: split.validation)
        while !whole.isFinished { whole.runEpoch() }

        let interrupted = try Trainer(configuration: configuration, train: split.train, validation: split.validation)
        interrupted.runEpoch()
        interrupted.runEpoch()
        let bytes = Checkpoint.serialize(interrupted.state)
        let restored = try Checkpoint.deserialize(bytes)
        #expect(restored == interrupted.state)
        let resumed = try Trainer(resuming: restored, train: split.train, validation: split.validation)
        while !resumed.isFinished { resumed.runEpoch() }
        #expect(resumed.state.parameters.map(\.bitPattern) == whole.state.parameters.map(\.bitPattern))
        #expect(resumed.state.sameRun(as: whole.state))
    }

    @Test("a checkpoint is not resumed on other data")
    func resumeOnOtherData() throws {
        let data = SyntheticClips.make(perClass: 4, seed: 4)
        let trainer = try Trainer(configuration: SyntheticClips.configuration, train: data, validation: nil)
        trainer.runEpoch()
        let other = SyntheticClips.make(perClass: 4, seed: 5)
        #expect(throws: TrainingError.self) { try Trainer(resuming: trainer.state, train: other, validation: nil) }
    }

    @Test("early stopping ends the run after `patience` epochs without a better validation loss and keeps the best weights")
    func earlyStopping() throws {
        let data = SyntheticClips.make(perClass: 6, seed: 6)
        let split = data.split(validationFraction: 0.34, seed: 1)
        var configuration = SyntheticClips.configuration
        // A learning rate this high makes the validation loss climb after the first epochs.
        configuration.optimizer.learningRate = 0.3
        configuration.epochs = 40
        configuration.patience = 2
        let trainer = try Trainer(configuration: configuration, train: split.train, validation: split.validation)
        while !trainer.isFinished { trainer.runEpoch() }
        let state = trainer.state
        #expect(state.stoppedEarly)
        let losses = state.history.map { $0.validationLoss! }
        let best = try #require(state.best)
        #expect(best.validationLoss == losses.min())
        #expect(state.history.count == best.epoch + 2)
        #expect(state.finalParameters == best.parameters)
    }
}
