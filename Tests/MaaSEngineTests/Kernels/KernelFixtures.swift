import Foundation

/// Reads Fixtures/manifest.json and the raw arrays `make_fixtures.py` wrote next to it.
enum KernelFixtures {
    struct Manifest: Decodable {
        let cases: [Case]
    }

    struct Case: Decodable, Sendable {
        let name: String
        let kind: String
        let dir: String
        let opset: Int
        let inputs: [String]
        let outputs: [String]
        let runs: [Run]
        let op: Operator?
        let weights: [Tensor]?
        let note: String?
    }

    struct Run: Decodable, Sendable {
        let inputs: [Tensor]
        let outputs: [Tensor]
    }

    struct Operator: Decodable, Sendable {
        let type: String
        let inputs: [String]
        let outputs: [String]
        let attributes: [String: Attribute]
    }

    struct Tensor: Decodable, Sendable {
        let name: String
        let dtype: String
        let shape: [Int]
        let file: String
    }

    enum Attribute: Decodable, Sendable {
        case number(Double)
        case string(String)
        case numbers([Double])
        case other

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([Double].self) {
                self = .numbers(value)
            } else {
                self = .other
            }
        }
    }

    /// A loaded array: floats for float32 tensors, integers for int32/int64 ones.
    struct Values: Sendable {
        let shape: [Int]
        let floats: [Float]
        let integers: [Int]

        var count: Int { shape.reduce(1, *) }
    }

    static let root: URL = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("Fixtures folder missing from the test bundle")
        }
        return url
    }()

    static let manifest: Manifest = {
        do {
            let data = try Data(contentsOf: root.appendingPathComponent("manifest.json"))
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            fatalError("cannot read Fixtures/manifest.json: \(error)")
        }
    }()

    /// Names of the single-operator cases whose node is `type`.
    static func opCases(_ type: String) -> [String] {
        manifest.cases.filter { $0.kind == "ops" && $0.op?.type == type }.map(\.name)
    }

    static func `case`(_ name: String) -> Case {
        guard let found = manifest.cases.first(where: { $0.name == name }) else {
            fatalError("no fixture case \(name)")
        }
        return found
    }

    static func load(_ tensor: Tensor, in fixture: Case) -> Values {
        let url = root.appendingPathComponent(fixture.dir).appendingPathComponent(tensor.file)
        guard let data = try? Data(contentsOf: url) else { fatalError("cannot read \(url.path)") }
        let count = tensor.shape.reduce(1, *)
        switch tensor.dtype {
        case "float32":
            precondition(data.count == 4 * count, "\(url.path): \(data.count) bytes for \(count) floats")
            let floats = (0..<count).map { i in
                Float(bitPattern: UInt32(littleEndian: data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self) }))
            }
            return Values(shape: tensor.shape, floats: floats, integers: [])
        case "int32":
            let values = (0..<count).map { i in
                Int(Int32(littleEndian: data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self) }))
            }
            return Values(shape: tensor.shape, floats: [], integers: values)
        case "int64":
            let values = (0..<count).map { i in
                Int(Int64(littleEndian: data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self) }))
            }
            return Values(shape: tensor.shape, floats: [], integers: values)
        default:
            fatalError("unexpected dtype \(tensor.dtype) in \(fixture.name)")
        }
    }
}

extension KernelFixtures.Case {
    /// A tensor by name: an input of `run`, else an initializer.
    func tensor(_ name: String, run: Int = 0) -> KernelFixtures.Values? {
        guard !name.isEmpty else { return nil }
        if let input = runs[run].inputs.first(where: { $0.name == name }) { return KernelFixtures.load(input, in: self) }
        if let weight = weights?.first(where: { $0.name == name }) { return KernelFixtures.load(weight, in: self) }
        return nil
    }

    /// The node's `index`-th input, nil when absent.
    func nodeInput(_ index: Int, run: Int = 0) -> KernelFixtures.Values? {
        guard let op, index < op.inputs.count else { return nil }
        return tensor(op.inputs[index], run: run)
    }

    /// ONNX Runtime's value of graph output `name` in `run`.
    func expected(_ name: String, run: Int = 0) -> KernelFixtures.Values? {
        guard !name.isEmpty, let output = runs[run].outputs.first(where: { $0.name == name }) else { return nil }
        return KernelFixtures.load(output, in: self)
    }

    func int(_ attribute: String, default value: Int) -> Int {
        if case .number(let number)? = op?.attributes[attribute] { return Int(number) }
        return value
    }

    func float(_ attribute: String) -> Float? {
        if case .number(let number)? = op?.attributes[attribute] { return Float(number) }
        return nil
    }

    func string(_ attribute: String, default value: String) -> String {
        if case .string(let string)? = op?.attributes[attribute] { return string }
        return value
    }

    func ints(_ attribute: String) -> [Int]? {
        if case .numbers(let numbers)? = op?.attributes[attribute] { return numbers.map { Int($0) } }
        return nil
    }
}

/// Largest |a − b| over two equally long arrays; infinity if their lengths differ.
func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    var largest: Float = 0
    for (x, y) in zip(a, b) {
        let difference = abs(x - y)
        if difference.isNaN { return .infinity }
        largest = max(largest, difference)
    }
    return largest
}

/// The tolerance the issue sets for agreement with ONNX Runtime.
let fidelityTolerance: Float = 1e-4
