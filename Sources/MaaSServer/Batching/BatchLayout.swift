import MaaSEngine

/// Which axis of each input and output of a version holds its rows, so requests can be joined and the
/// results split. Inputs' axes come from the audio front-end's layout or the model's dynamic dimensions;
/// outputs' axes are found by running the model once with 2 rows and once with 3 (`probe`): the one axis that
/// changes is the batch axis, and a version where that is not so for every output is not batched.
struct BatchLayout: Sendable, Equatable {
    let inputAxes: [String: Int]
    let outputAxes: [String: Int]
    /// Set when requests whose sequences differ in length may share a batch.
    var padding: SequencePadding? = nil

    /// Requests with equal groups can share a batch: every input's shape apart from its batch axis (and its
    /// sequence axis, when shorter sequences are padded), and its type.
    func group(of inputs: [String: HostTensor]) -> [String: [Int]] {
        var group: [String: [Int]] = [:]
        for (name, tensor) in inputs {
            var shape = tensor.shape
            if let axis = inputAxes[name], axis < shape.count { shape[axis] = -1 }
            if let padding, padding.input == name, padding.inputAxis < shape.count { shape[padding.inputAxis] = -1 }
            shape.append(tensor.elementType == .float32 ? 0 : 1)
            group[name] = shape
        }
        return group
    }

    /// The request's rows, when every input has the same number along its batch axis.
    func rows(of inputs: [String: HostTensor]) -> Int {
        var rows: Int? = nil
        for (name, tensor) in inputs {
            guard let axis = inputAxes[name], axis < tensor.shape.count else { return 0 }
            if let known = rows, known != tensor.shape[axis] { return 0 }
            rows = tensor.shape[axis]
        }
        return rows ?? 0
    }

    /// Whether a request with these inputs can join a batch at all (some shapes, e.g. zero rows, cannot).
    func accepts(_ inputs: [String: HostTensor]) -> Bool {
        inputs.count == inputAxes.count && inputs.keys.allSatisfy { inputAxes[$0] != nil } && rows(of: inputs) >= 1
    }

    /// A request's length along the padded sequence axis (0 when the layout pads nothing).
    func length(of inputs: [String: HostTensor]) -> Int {
        padding?.length(of: inputs) ?? 0
    }

    /// The requests' inputs as one batch, shorter sequences padded to the longest.
    func join(_ requests: [[String: HostTensor]]) -> [String: HostTensor] {
        var requests = requests
        if let padding {
            let longest = requests.map { padding.length(of: $0) }.max() ?? 0
            requests = requests.map { padding.padded($0, to: longest) }
        }
        var joined: [String: HostTensor] = [:]
        for (name, axis) in inputAxes {
            joined[name] = BatchTensors.join(requests.compactMap { $0[name] }, axis: axis)
        }
        return joined
    }

    /// Each batch row's length, for a layout whose padding tells the model (nil otherwise): `lengths[i]` for
    /// each of request i's `rows[i]` rows.
    func rowLengths(rows: [Int], lengths: [Int]) -> [Int]? {
        guard padding?.rowLengths == true else { return nil }
        var perRow: [Int] = []
        perRow.reserveCapacity(rows.reduce(0, +))
        for (count, length) in zip(rows, lengths) { perRow.append(contentsOf: repeatElement(length, count: count)) }
        return perRow
    }

    /// Each request's part of the batch's outputs, given each request's rows and, when the layout pads, its
    /// sequence length.
    func split(_ outputs: [String: HostTensor], rows: [Int], lengths: [Int]) throws(EngineError) -> [[String: HostTensor]] {
        let parts = try split(outputs, rows: rows)
        guard let padding, let longest = lengths.max() else { return parts }
        var trimmed: [[String: HostTensor]] = []
        trimmed.reserveCapacity(parts.count)
        for (part, length) in zip(parts, lengths) {
            trimmed.append(try padding.trimmed(part, to: length, longest: longest))
        }
        return trimmed
    }

    private func split(_ outputs: [String: HostTensor], rows: [Int]) throws(EngineError) -> [[String: HostTensor]] {
        var parts = [[String: HostTensor]](repeating: [:], count: rows.count)
        let total = rows.reduce(0, +)
        for (name, tensor) in outputs {
            guard let axis = outputAxes[name], axis < tensor.shape.count, tensor.shape[axis] == total else {
                throw EngineError(.internalError, "batched output '\(name)' has shape \(tensor.shape), not \(total) rows")
            }
            for (index, piece) in BatchTensors.split(tensor, axis: axis, rows: rows).enumerated() {
                parts[index][name] = piece
            }
        }
        return parts
    }
}
