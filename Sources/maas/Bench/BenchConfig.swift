import Foundation
import ArgumentParser

/// One benchmark point: `frames` time steps at batch size `batch` (written `TxB`, e.g. `44x1`).
struct BenchConfig: Hashable, Encodable, CustomStringConvertible {
    var frames: Int
    var batch: Int

    static func parseList(_ text: String) throws -> [BenchConfig] {
        try text.split(separator: ",").map { item in
            let parts = item.split(separator: "x")
            guard parts.count == 2, let frames = Int(parts[0]), let batch = Int(parts[1]),
                frames > 0, batch > 0, frames <= 100_000, batch <= 4096
            else {
                throw ValidationError("--configs item '\(item)' must be FRAMESxBATCH with positive numbers, e.g. 44x1")
            }
            return BenchConfig(frames: frames, batch: batch)
        }
    }

    var description: String { "T=\(frames) B=\(batch)" }
    var tag: String { "\(frames)x\(batch)" }
}

/// How to build a concrete input shape from a model input's declared one: each dimension is a number or
/// `T` (frames) or `B` (batch) — `--shape x=B,20,T`.
struct ShapeTemplate: Equatable {
    enum Dim: Equatable {
        case fixed(Int)
        case frames
        case batch
    }

    var dims: [Dim]

    init(dims: [Dim]) { self.dims = dims }

    init(parsing text: String, input: String) throws {
        dims = try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            switch part.trimmingCharacters(in: .whitespaces) {
            case "T": return .frames
            case "B": return .batch
            case let number:
                guard let n = Int(number), n >= 0 else {
                    throw ValidationError("--shape \(input)=\(text): '\(number)' is not a size, T or B")
                }
                return .fixed(n)
            }
        }
    }

    /// The default for a declared shape: fixed sizes as declared, and two dynamic dimensions taken as time then
    /// batch (the layout ONNX recurrent operators default to). Anything else is ambiguous: nil.
    static func inferred(from shape: [Int]) -> ShapeTemplate? {
        let dynamic = shape.indices.filter { shape[$0] < 0 }
        guard dynamic.isEmpty || dynamic.count == 2 else { return nil }
        return ShapeTemplate(dims: shape.indices.map { axis in
            shape[axis] >= 0 ? .fixed(shape[axis]) : (axis == dynamic.first ? .frames : .batch)
        })
    }

    func shape(for config: BenchConfig) -> [Int] {
        dims.map { dim in
            switch dim {
            case .fixed(let n): n
            case .frames: config.frames
            case .batch: config.batch
            }
        }
    }

    var text: String {
        dims.map { dim in
            switch dim {
            case .fixed(let n): String(n)
            case .frames: "T"
            case .batch: "B"
            }
        }.joined(separator: ",")
    }
}
