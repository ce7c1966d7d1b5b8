import MaaSEngine

/// How requests whose sequences differ in length share a batch: each request's sequence is padded with zeros
/// at its end to the batch's longest, and each request's outputs are cut back to its own length.
///
/// A version gets this only when `BatchLayout.probe` saw that it leaves every row's answer unchanged, either
/// as plain padding (a causal model: forward LSTM or GRU layers with an output per frame, such as a speech
/// model scored frame by frame) or with each row's length given to the recurrent layers as ONNX's
/// `sequence_lens` (`rowLengths`: a classifier reading an LSTM's final state, a bidirectional layer). A model
/// that reads padded steps some other way (the last step's output, a mean over time, pooling before the
/// recurrence) does not qualify, and its requests share batches only with requests of the same length.
struct SequencePadding: Sendable, Equatable {
    /// The input whose sequence is padded, and its sequence axis.
    let input: String
    let inputAxis: Int
    /// Outputs with an axis that follows the sequence's length, cut back to each request's length. Any other
    /// output was seen not to change with padding.
    let outputAxes: [String: Int]
    /// Whether the model runs with each row's length (`LoadedModel.run(_:rowLengths:)`); padding alone
    /// suffices when false.
    var rowLengths = false

    /// A batch holds at most this many padding frames per real frame, so that a long clip does not make many
    /// short ones pay for its length. Measured on the reference model with clips of 17 lengths (RESULTS.md,
    /// `Benchmarks/batching.sh` audio-mixed): with a quarter, 2–8 % less CPU per call than batches of one
    /// length and a 15–27 % lower p99 at concurrency 8, in three of four runs; with half, the extra padded
    /// frames cost about what the larger batches saved.
    static let maxPaddingPerFrame = 0.25

    /// A request's length along the sequence axis.
    func length(of inputs: [String: HostTensor]) -> Int {
        guard let tensor = inputs[input], inputAxis < tensor.shape.count else { return 0 }
        return tensor.shape[inputAxis]
    }

    /// Whether a request of `rows` rows of `length` may join a batch of `batchRows` rows whose longest is
    /// `longest` and whose real frames number `frames`, without more padding than `maxPaddingPerFrame` allows.
    static func fits(rows: Int, length: Int, batchRows: Int, longest: Int, frames: Int) -> Bool {
        let padded = (batchRows + rows) * max(longest, length)
        let real = frames + rows * length
        return Double(padded) <= (1 + maxPaddingPerFrame) * Double(real)
    }

    /// `inputs` with the sequence input padded with zeros to `length`.
    func padded(_ inputs: [String: HostTensor], to length: Int) -> [String: HostTensor] {
        guard let tensor = inputs[input], tensor.shape[inputAxis] < length else { return inputs }
        var zeros = tensor.shape
        zeros[inputAxis] = length - tensor.shape[inputAxis]
        let count = zeros.reduce(1, *)
        let padding = tensor.elementType == .float32
            ? HostTensor(shape: zeros, floats: [Float](repeating: 0, count: count))
            : HostTensor(shape: zeros, int64s: [Int64](repeating: 0, count: count))
        var result = inputs
        result[input] = BatchTensors.join([tensor, padding], axis: inputAxis)
        return result
    }

    /// One request's outputs cut back to its `length` along each output's sequence axis; the batch ran at
    /// `longest`, which every such axis must show.
    func trimmed(_ outputs: [String: HostTensor], to length: Int, longest: Int) throws(EngineError) -> [String: HostTensor] {
        var result = outputs
        for (name, axis) in outputAxes {
            guard let tensor = outputs[name], axis < tensor.shape.count, tensor.shape[axis] == longest else {
                throw EngineError(
                    .internalError, "padded output '\(name)' has shape \(outputs[name]?.shape ?? []), not \(longest) steps")
            }
            if length < longest {
                result[name] = BatchTensors.split(tensor, axis: axis, rows: [length, longest - length])[0]
            }
        }
        return result
    }
}
