import MaaSClient
import MaaSProtocol

/// The `--json` form of a prediction: every output with all its values.
struct PredictionJSON: Encodable {
    struct Output: Encodable {
        var name: String
        var dtype: String
        var shape: [Int]
        var values: Values
        /// Where `--output` wrote it.
        var file: String?
    }

    enum Values: Encodable {
        case floats([Float])
        case ints([Int64])

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .floats(let values): try values.encode(to: encoder)
            case .ints(let values): try values.encode(to: encoder)
            }
        }
    }

    struct ClassJSON: Encodable {
        var index: Int32
        var label: String
        var probability: Float
    }

    var name: String
    var version: Int64
    var outputs: [Output]
    /// Present when the version has class labels.
    var top_classes: [ClassJSON]?
    /// Present when the version decodes CTC and the transcript is not empty.
    var transcript: String?
    /// Present when the request asked for the features (`--features`).
    var features: Output?

    init(
        response: PredictResponse, outputs: [(String, NumpyArray)], files: [String: String],
        features: NumpyArray? = nil, featuresFile: String? = nil
    ) {
        name = response.name
        version = response.version
        self.outputs = outputs.map { name, array in Self.output(name, array, file: files[name]) }
        if !response.topClasses.isEmpty {
            top_classes = response.topClasses.map { ClassJSON(index: $0.index, label: $0.label, probability: $0.probability) }
        }
        if !response.transcript.isEmpty { transcript = response.transcript }
        self.features = features.map { Self.output("features", $0, file: featuresFile) }
    }

    private static func output(_ name: String, _ array: NumpyArray, file: String?) -> Output {
        let values: Values = array.int64Values.map { .ints($0) } ?? .floats(array.floatValues ?? [])
        return Output(name: name, dtype: array.dtype.name, shape: array.shape, values: values, file: file)
    }
}
