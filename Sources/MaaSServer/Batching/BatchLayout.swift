import MaaSEngine

/// Which axis of each input and output of a version holds its rows, so requests can be joined and the
/// results split. Inputs' axes come from the audio front-end's layout; outputs' axes are found by running
/// the model once with 2 rows and once with 3 (`probe`): the one axis that changes is the batch axis, and
/// a version where that is not so for every output is not batched.
struct BatchLayout: Sendable, Equatable {
    let inputAxes: [String: Int]
    let outputAxes: [String: Int]

    /// Requests with equal groups can share a batch: every input's shape apart from its batch axis, and its type.
    func group(of inputs: [String: HostTensor]) -> [String: [Int]] {
        var group: [String: [Int]] = [:]
        for (name, tensor) in inputs {
            var shape = tensor.shape
            if let axis = inputAxes[name], axis < shape.count { shape[axis] = -1 }
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
        Set(inputs.keys) == Set(inputAxes.keys) && rows(of: inputs) >= 1
    }

    func join(_ requests: [[String: HostTensor]]) -> [String: HostTensor] {
        var joined: [String: HostTensor] = [:]
        for (name, axis) in inputAxes {
            joined[name] = BatchTensors.join(requests.compactMap { $0[name] }, axis: axis)
        }
        return joined
    }

    func split(_ outputs: [String: HostTensor], rows: [Int]) throws(EngineError) -> [[String: HostTensor]] {
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

    /// The layout of `model` when its inputs' batch axes are `inputAxes`, or nil when batching would mix
    /// requests up: some output has no single axis that follows the number of rows, or a row computed in a
    /// batch differs from the same row run alone (a model that reduces or recurs over that axis, e.g. a
    /// sequence model whose only dynamic axis is time).
    static func probe(_ model: LoadedModel, inputAxes: [String: Int]) -> BatchLayout? {
        guard Set(model.inputs.map(\.name)) == Set(inputAxes.keys) else { return nil }
        var inputs3: [String: HostTensor] = [:]
        for signature in model.inputs {
            guard let axis = inputAxes[signature.name], axis < signature.shape.count, signature.shape[axis] < 0 else {
                return nil
            }
            var shape = signature.shape.map { $0 < 0 ? 5 : $0 }
            shape[axis] = 3
            let count = shape.reduce(1, *)
            // Distinct rows, so that rows mixed together show; integer inputs (ids) stay 0, always valid.
            inputs3[signature.name] = signature.elementType == .float32
                ? HostTensor(shape: shape, floats: (0..<count).map { Float(($0 * 7919) % 211) / 105.5 - 1 })
                : HostTensor(shape: shape, int64s: [Int64](repeating: 0, count: count))
        }
        func rows(_ range: Range<Int>) -> [String: HostTensor] {
            var picked: [String: HostTensor] = [:]
            for (name, tensor) in inputs3 {
                let pieces = [range.lowerBound, range.count, 3 - range.upperBound]
                picked[name] = BatchTensors.split(tensor, axis: inputAxes[name] ?? 0, rows: pieces)[1]
            }
            return picked
        }
        guard let three = try? model.run(inputs3), let two = try? model.run(rows(0..<2)),
            let alone = try? model.run(rows(1..<2))
        else { return nil }
        var outputAxes: [String: Int] = [:]
        for (name, a) in two {
            guard let b = three[name], a.shape.count == b.shape.count else { return nil }
            let changed = a.shape.indices.filter { a.shape[$0] != b.shape[$0] }
            guard changed.count == 1, let axis = changed.first, a.shape[axis] == 2, b.shape[axis] == 3 else { return nil }
            // Row 1 of the three-row run must be what row 1 computes alone.
            guard let single = alone[name], Self.sameValues(BatchTensors.split(b, axis: axis, rows: [1, 1, 1])[1], single)
            else { return nil }
            outputAxes[name] = axis
        }
        return BatchLayout(inputAxes: inputAxes, outputAxes: outputAxes)
    }

    /// Equal shapes and values within 1e-4 relative (different batch sizes may take different kernel paths).
    private static func sameValues(_ a: HostTensor, _ b: HostTensor) -> Bool {
        guard a.shape == b.shape else { return false }
        switch (a.storage, b.storage) {
        case (.float32(let x), .float32(let y)):
            return zip(x, y).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($0), abs($1)) || ($0.isNaN && $1.isNaN) }
        case (.int64(let x), .int64(let y)):
            return x == y
        default:
            return false
        }
    }
}
