/// Scratch for one forward/backward pass, reused across batches (grown when a batch is larger).
/// Not shared: each thread that runs passes owns one.
package final class NetworkWorkspace {
    let gates = FloatBuffer()
    let cells = FloatBuffer()
    let cellTanh = FloatBuffer()
    let hiddens = FloatBuffer()
    let dense = FloatBuffer()
    let logits = FloatBuffer()
    let dLogits = FloatBuffer()
    let dDense = FloatBuffer()
    let dHiddens = FloatBuffer()
    let dGates = FloatBuffer()
    let dCell = FloatBuffer()
    let ones = FloatBuffer()

    package init() {}

    func reserve(steps: Int, batch: Int, shape: NetworkShape, backward: Bool) {
        let frames = steps * batch
        gates.reserve(frames * shape.gates)
        cells.reserve(frames * shape.hidden)
        cellTanh.reserve(frames * shape.hidden)
        hiddens.reserve(frames * shape.hidden)
        dense.reserve(frames * shape.dense)
        logits.reserve(frames * shape.classes)
        guard backward else { return }
        dLogits.reserve(frames * shape.classes)
        dDense.reserve(frames * shape.dense)
        dHiddens.reserve(frames * shape.hidden)
        dGates.reserve(frames * shape.gates)
        dCell.reserve(batch * shape.hidden)
        if ones.capacity < frames {
            ones.reserve(frames)
        }
        ones.pointer.update(repeating: 1, count: ones.capacity)
    }

    var lstmActivations: LSTMLayer.Activations {
        .init(gates: gates.pointer, cells: cells.pointer, cellTanh: cellTanh.pointer, hiddens: hiddens.pointer)
    }
}
