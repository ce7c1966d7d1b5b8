import MaaSEngine

/// Finding a version's layout by running it: once per version, on the blocking pool, before its first batch.
extension BatchLayout {
    /// An input's sequence axis, whose length may differ between requests.
    struct SequenceAxis: Sendable, Equatable {
        let input: String
        let axis: Int
    }

    /// The layout of `model` when its inputs' batch axes are `inputAxes`, or nil when batching would mix
    /// requests up: some output has no single axis that follows the number of rows, or a row computed in a
    /// batch differs from the same row run alone (a model that reduces or recurs over that axis, e.g. a
    /// sequence model's time axis).
    ///
    /// With a `sequence` axis, the layout also pads shorter sequences when that was seen to leave every
    /// row's answer unchanged (`SequencePadding`); otherwise requests batch only with equal lengths.
    static func probe(_ model: LoadedModel, inputAxes: [String: Int], sequence: SequenceAxis? = nil) -> BatchLayout? {
        guard Set(model.inputs.map(\.name)) == Set(inputAxes.keys) else { return nil }
        for signature in model.inputs {
            guard let axis = inputAxes[signature.name], axis < signature.shape.count, signature.shape[axis] < 0 else {
                return nil
            }
        }
        let inputs3 = probeInputs(model, inputAxes: inputAxes, rows: 3, sequence: nil, seed: 0)
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
        var layout = BatchLayout(inputAxes: inputAxes, outputAxes: outputAxes)
        if let sequence { layout.padding = paddingProbe(model, layout: layout, sequence: sequence) }
        return layout
    }

    /// How `layout` pads `sequence`, or nil when padding would change some row's answer.
    ///
    /// Runs a short row (3 steps) and a long one (7) alone, then together with the short one padded to 7:
    /// each output either has one axis that follows the length (cut back to 3 for the short row) or keeps its
    /// shape, and every row's values must equal its values alone, with the padding as plain data or else with
    /// each row's length given to the recurrent layers.
    private static func paddingProbe(_ model: LoadedModel, layout: BatchLayout, sequence: SequenceAxis) -> SequencePadding? {
        guard let signature = model.inputs.first(where: { $0.name == sequence.input }),
            sequence.axis < signature.shape.count, signature.shape[sequence.axis] < 0,
            layout.inputAxes[sequence.input] != sequence.axis
        else { return nil }
        let (short, long) = (3, 7)
        let shortRow = probeInputs(model, inputAxes: layout.inputAxes, rows: 1, sequence: (sequence, short), seed: 1)
        let longRow = probeInputs(model, inputAxes: layout.inputAxes, rows: 1, sequence: (sequence, long), seed: 2)
        guard let shortAlone = try? model.run(shortRow), let longAlone = try? model.run(longRow) else { return nil }
        var followers: [String: Int] = [:]
        for (name, a) in shortAlone {
            guard let b = longAlone[name], a.shape.count == b.shape.count else { return nil }
            let changed = a.shape.indices.filter { a.shape[$0] != b.shape[$0] }
            if changed.isEmpty { continue }
            // An output whose length is some other function of the input's (a strided convolution) is not cut back.
            guard changed.count == 1, let axis = changed.first, a.shape[axis] == short, b.shape[axis] == long else {
                return nil
            }
            followers[name] = axis
        }
        for rowLengths in [false, true] {
            var padding = SequencePadding(input: sequence.input, inputAxis: sequence.axis, outputAxes: followers)
            padding.rowLengths = rowLengths
            var padded = layout
            padded.padding = padding
            let lengths = [short, long]
            guard let outputs = try? model.run(
                    padded.join([shortRow, longRow]), rowLengths: padded.rowLengths(rows: [1, 1], lengths: lengths)),
                let parts = try? padded.split(outputs, rows: [1, 1], lengths: lengths)
            else { continue }
            let same = zip(parts, [shortAlone, longAlone]).allSatisfy { part, alone in
                alone.allSatisfy { name, expected in part[name].map { sameValues($0, expected) } ?? false }
            }
            if same { return padding }
        }
        return nil
    }

    /// Distinct values for every input of `model`: `rows` along each batch axis, the sequence's length along
    /// its axis, 5 along any other dynamic axis. Integer inputs (ids) are 0, always valid.
    private static func probeInputs(
        _ model: LoadedModel, inputAxes: [String: Int], rows: Int, sequence: (SequenceAxis, length: Int)?, seed: Int
    ) -> [String: HostTensor] {
        var inputs: [String: HostTensor] = [:]
        for signature in model.inputs {
            var shape = signature.shape.map { $0 < 0 ? 5 : $0 }
            if let (axis, length) = sequence, axis.input == signature.name { shape[axis.axis] = length }
            if let axis = inputAxes[signature.name] { shape[axis] = rows }
            let count = shape.reduce(1, *)
            // Distinct rows, so that rows mixed together show.
            inputs[signature.name] = signature.elementType == .float32
                ? HostTensor(shape: shape, floats: (0..<count).map { Float((($0 + 97 * seed) * 7919) % 211) / 105.5 - 1 })
                : HostTensor(shape: shape, int64s: [Int64](repeating: 0, count: count))
        }
        return inputs
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
