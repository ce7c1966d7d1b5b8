import Foundation
import MaaSEngine

/// The ONNX Runtime fixtures in Fixtures/ (see Fixtures/README.md): each case's model.onnx and, per run,
/// the inputs it was fed and the outputs ONNX Runtime produced.
enum RuntimeFixtures {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let directory: URL
        let runs: [Run]
        var description: String { name }
    }

    struct Run: Sendable {
        let inputs: [(String, HostTensor)]
        let outputs: [(String, HostTensor)]
    }

    static let root: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    /// Every case of `kind` listed in manifest.json ("ops", "models") or core/manifest.json ("core").
    static func cases(kind: String) -> [Case] {
        let manifest = kind == "core" ? "core/manifest.json" : "manifest.json"
        guard let data = try? Data(contentsOf: root.appendingPathComponent(manifest)),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = json["cases"] as? [[String: Any]]
        else { return [] }
        return cases.compactMap { entry in
            guard entry["kind"] as? String == kind, let name = entry["name"] as? String, let dir = entry["dir"] as? String,
                let runs = entry["runs"] as? [[String: Any]]
            else { return nil }
            let directory = root.appendingPathComponent(dir)
            return Case(name: name, directory: directory, runs: runs.map { run in
                Run(inputs: tensors(run["inputs"], in: directory), outputs: tensors(run["outputs"], in: directory))
            })
        }
    }

    private static func tensors(_ list: Any?, in directory: URL) -> [(String, HostTensor)] {
        guard let list = list as? [[String: Any]] else { return [] }
        return list.compactMap { entry in
            guard let name = entry["name"] as? String, let dtype = entry["dtype"] as? String,
                let shape = entry["shape"] as? [Int], let file = entry["file"] as? String,
                let data = try? Data(contentsOf: directory.appendingPathComponent(file))
            else { return nil }
            let bytes = [UInt8](data)
            switch dtype {
            case "float32":
                let values = stride(from: 0, to: bytes.count, by: 4).map { i in
                    Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << (8 * UInt32($1)) })
                }
                return (name, HostTensor(shape: shape, floats: values))
            case "int64":
                let values = stride(from: 0, to: bytes.count, by: 8).map { i in
                    Int64(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) })
                }
                return (name, HostTensor(shape: shape, int64s: values))
            case "int32":
                let values = stride(from: 0, to: bytes.count, by: 4).map { i in
                    Int64(Int32(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << (8 * UInt32($1)) }))
                }
                return (name, HostTensor(shape: shape, int64s: values))
            default:
                return nil
            }
        }
    }

    static func modelBytes(_ fixture: Case) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixture.directory.appendingPathComponent("model.onnx")))
    }

    /// Largest |ours − ONNX Runtime| over every output of every run (integers compared exactly: any difference is ∞).
    static func maxDifference(_ model: LoadedModel, _ fixture: Case) throws -> Float {
        var worst: Float = 0
        for run in fixture.runs {
            let results = try model.run(Dictionary(uniqueKeysWithValues: run.inputs))
            for (name, expected) in run.outputs {
                guard let actual = results[name], actual.shape == expected.shape else { return .infinity }
                switch (actual.storage, expected.storage) {
                case (.float32(let a), .float32(let e)): worst = max(worst, maxAbsDifference(a, e))
                case (.int64(let a), .int64(let e)): if a != e { return .infinity }
                default: return .infinity
                }
            }
        }
        return worst
    }
}
