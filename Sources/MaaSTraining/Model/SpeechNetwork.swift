import MaaSEngine
import MaaSProtocol

/// The reference speech network, MFCC [T, B, F] → LSTM → per-frame Dense(ReLU) → Dense → softmax per frame,
/// with its clip decision and cross-entropy loss. Parameters live outside, in one flat vector (`ParameterLayout`).
///
/// The clip decision is the serving config's own `ClipDecision` (MaaSProtocol), so the rule the loss optimises
/// is by construction the one the server applies to the `probabilities` output.
public struct SpeechNetwork: Sendable {
    public let shape: NetworkShape
    public let decision: ClipDecision
    public let layout: ParameterLayout

    public init(shape: NetworkShape, decision: ClipDecision) {
        self.shape = shape
        self.decision = decision
        layout = ParameterLayout(shape)
    }

    var lstm: LSTMLayer { LSTMLayer(features: shape.features, hidden: shape.hidden) }
    var denseLayer: DenseLayer { DenseLayer(inputs: shape.hidden, outputs: shape.dense, relu: true) }
    var outputLayer: DenseLayer { DenseLayer(inputs: shape.dense, outputs: shape.classes, relu: false) }
    var loss: ClipLoss { ClipLoss(classes: shape.classes, decision: decision) }

    /// Runs the layers up to per-frame log-probabilities (left in `workspace.logits`).
    func forward(_ batch: Batch, parameters p: UnsafePointer<Float>, workspace w: NetworkWorkspace, backward: Bool) {
        precondition(batch.features == shape.features, "batch has \(batch.features) features, the network \(shape.features)")
        let frames = batch.steps * batch.rows
        let kernels = VectorKernels.best
        w.reserve(steps: batch.steps, batch: batch.rows, shape: shape, backward: backward)
        batch.values.withUnsafeBufferPointer { x in
            lstm.forward(x: x.baseAddress!, steps: batch.steps, batch: batch.rows, weights: p + layout.lstmInput.lowerBound,
                         recurrent: p + layout.lstmRecurrent.lowerBound, bias: p + layout.lstmBias.lowerBound,
                         into: w.lstmActivations, kernels: kernels)
        }
        denseLayer.forward(x: w.hiddens.pointer, frames: frames, weights: p + layout.denseWeights.lowerBound,
                           bias: p + layout.denseBias.lowerBound, into: w.dense.pointer, kernels: kernels)
        outputLayer.forward(x: w.dense.pointer, frames: frames, weights: p + layout.outputWeights.lowerBound,
                            bias: p + layout.outputBias.lowerBound, into: w.logits.pointer, kernels: kernels)
        kernels.softmaxRows(w.logits.pointer, into: w.logits.pointer, rows: frames, length: shape.classes, logarithm: true)
    }

    /// Σ loss and correct clips of the batch, and ∂(scale · Σ loss)/∂parameters written into `gradient`
    /// (overwritten, every element). With scale = 1/N over a minibatch of N clips this is the mean loss's gradient.
    package func lossAndGradient(_ batch: Batch, parameters: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
                                 scale: Float, workspace w: NetworkWorkspace) -> (lossSum: Double, correct: Int) {
        forward(batch, parameters: parameters, workspace: w, backward: true)
        let frames = batch.steps * batch.rows
        let result = loss.evaluate(logProbabilities: w.logits.pointer, steps: batch.steps, batch: batch.rows,
                                   lengths: batch.lengths, labels: batch.labels, scale: scale, dLogits: w.dLogits.pointer)
        let p = parameters
        outputLayer.backward(x: w.dense.pointer, y: w.logits.pointer, frames: frames, weights: p + layout.outputWeights.lowerBound,
                             dY: w.dLogits.pointer, ones: w.ones.pointer, dWeights: g + layout.outputWeights.lowerBound,
                             dBias: g + layout.outputBias.lowerBound, dX: w.dDense.pointer)
        denseLayer.backward(x: w.hiddens.pointer, y: w.dense.pointer, frames: frames, weights: p + layout.denseWeights.lowerBound,
                            dY: w.dDense.pointer, ones: w.ones.pointer, dWeights: g + layout.denseWeights.lowerBound,
                            dBias: g + layout.denseBias.lowerBound, dX: w.dHiddens.pointer)
        batch.values.withUnsafeBufferPointer { x in
            lstm.backward(x: x.baseAddress!, steps: batch.steps, batch: batch.rows, recurrent: p + layout.lstmRecurrent.lowerBound,
                          activations: w.lstmActivations, dHiddens: w.dHiddens.pointer, dGates: w.dGates.pointer,
                          dCell: w.dCell.pointer, ones: w.ones.pointer, dWeights: g + layout.lstmInput.lowerBound,
                          dRecurrent: g + layout.lstmRecurrent.lowerBound, dBias: g + layout.lstmBias.lowerBound)
        }
        return result
    }

    /// Σ loss and correct clips without gradients (validation).
    package func evaluate(_ batch: Batch, parameters: UnsafePointer<Float>, workspace w: NetworkWorkspace) -> (lossSum: Double, correct: Int) {
        forward(batch, parameters: parameters, workspace: w, backward: false)
        return loss.evaluate(logProbabilities: w.logits.pointer, steps: batch.steps, batch: batch.rows,
                             lengths: batch.lengths, labels: batch.labels, scale: 0, dLogits: nil)
    }

    /// Per-frame class probabilities [T, B, C], what the exported model's `probabilities` output holds.
    public func frameProbabilities(_ batch: Batch, parameters: [Float]) -> [Float] {
        precondition(parameters.count == layout.count, "expected \(layout.count) parameters")
        let w = NetworkWorkspace()
        parameters.withUnsafeBufferPointer { forward(batch, parameters: $0.baseAddress!, workspace: w, backward: false) }
        let count = batch.steps * batch.rows * shape.classes
        VectorKernels.best.exp(w.logits.pointer, into: w.logits.pointer, count: count)
        return Array(UnsafeBufferPointer(start: w.logits.pointer, count: count))
    }

    /// Each row's clip probabilities under this network's clip decision.
    public func clipProbabilities(_ batch: Batch, parameters: [Float]) -> [[Double]] {
        precondition(parameters.count == layout.count, "expected \(layout.count) parameters")
        let w = NetworkWorkspace()
        parameters.withUnsafeBufferPointer { forward(batch, parameters: $0.baseAddress!, workspace: w, backward: false) }
        return (0..<batch.rows).map {
            loss.clipProbabilities(logProbabilities: w.logits.pointer, batch: batch.rows, row: $0, length: batch.lengths[$0])
        }
    }
}
