import MaaSProtocol
import Testing
@testable import MaaSTraining

@Suite("Speech network")
struct SpeechNetworkTests {
    static let shape = NetworkShape(features: 3, hidden: 4, dense: 5, classes: 3)

    @Test("the whole network's gradient matches finite differences of a double-precision network, every tensor",
          arguments: ClipDecision.allCases)
    func wholeNetworkGradient(decision: ClipDecision) {
        let network = SpeechNetwork(shape: Self.shape, decision: decision)
        var data = TestData(seed: 41)
        let batch = data.batch(lengths: [6, 3, 5], features: Self.shape.features, classes: Self.shape.classes)
        let parameters = data.parameters(network.layout)
        var gradient = [Float](repeating: .nan, count: network.layout.count)
        let workspace = NetworkWorkspace()
        let (lossSum, _) = network.lossAndGradient(batch, parameters: parameters, gradient: &gradient,
                                                    scale: 1 / Float(batch.rows), workspace: workspace)
        let reference = ReferenceNetwork(shape: Self.shape, decision: decision)
        let point = parameters.doubles
        #expect(abs(lossSum / Double(batch.rows) - reference.loss(batch, parameters: point)) < 1e-5)
        for (name, range) in network.layout.tensors {
            let error = GradientCheck.relativeError(analytic: gradient, at: point, indices: GradientCheck.sample(range)) {
                reference.loss(batch, parameters: $0)
            }
            print("gradient check network(\(decision.name)) \(name): \(error)")
            #expect(error < 1e-3, "\(name) relative error \(error)")
        }
    }

    @Test("a clip's probabilities do not depend on the other rows of its batch or on padding")
    func rowsAreIndependent() {
        let network = SpeechNetwork(shape: Self.shape, decision: .meanLogProb)
        var data = TestData(seed: 42)
        let parameters = data.parameters(network.layout)
        let clips = (0..<3).map { i in
            FeatureClip(frames: [7, 2, 4][i], values: data.values([7, 2, 4][i] * 3, scale: 1.5), label: i)
        }
        let together = network.clipProbabilities(Batch(clips: clips, features: 3), parameters: parameters)
        for (i, clip) in clips.enumerated() {
            let alone = network.clipProbabilities(Batch(clips: [clip], features: 3), parameters: parameters)[0]
            #expect(zip(alone, together[i]).allSatisfy { abs($0 - $1) < 1e-6 })
        }
    }

    @Test("per-frame probabilities equal the double-precision network's")
    func frameProbabilities() {
        let network = SpeechNetwork(shape: Self.shape, decision: .lastFrame)
        var data = TestData(seed: 43)
        let batch = data.batch(lengths: [4, 4], features: 3, classes: 3)
        let parameters = data.parameters(network.layout)
        let ours = network.frameProbabilities(batch, parameters: parameters)
        let reference = ReferenceNetwork(shape: Self.shape, decision: .lastFrame)
            .frameProbabilities(batch, parameters: parameters.doubles).flatMap { $0.flatMap { $0 } }
        #expect(zip(ours, reference).allSatisfy { abs(Double($0) - $1) < 1e-5 })
    }
}
