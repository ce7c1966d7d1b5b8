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

    var name: String
    var version: Int64
    var outputs: [Output]

    init(response: PredictResponse, outputs: [(String, NumpyArray)], files: [String: String]) {
        name = response.name
        version = response.version
        self.outputs = outputs.map { name, array in
            let values: Values = array.int64Values.map { .ints($0) } ?? .floats(array.floatValues ?? [])
            return Output(name: name, dtype: array.dtype.name, shape: array.shape, values: values, file: files[name])
        }
    }
}
