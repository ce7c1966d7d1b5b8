import Foundation
import MaaSProtocol

/// The tiny ONNX classifier made by `Fixtures/make_fixtures.py`, and ONNX Runtime's outputs for it.
enum MLPFixture {
    struct TensorValues: Decodable {
        let shape: [Int]
        let values: [Float]
    }

    struct Run: Decodable {
        let x: TensorValues
        let y: TensorValues
    }

    struct Expected: Decodable {
        let sha256: String
        let input: String
        let output: String
        let runs: [Run]
    }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func modelBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent("mlp.onnx")))
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: directory.appendingPathComponent("mlp_expected.json")))
    }

    static func predictRequest(name: String, version: Int64 = 0, run: Run) -> PredictRequest {
        PredictRequest(name: name, version: version, inputs: [
            NamedTensor(name: "x", tensor: Tensor(shape: run.x.shape, floats: run.x.values)),
        ])
    }
}

extension MLPFixture {
    /// Registers the classifier as `name` over its own connection and returns the version the server made.
    static func register(port: Int, name: String) async throws -> ModelVersion {
        let bytes = try modelBytes()
        return try await FrameClient.connect(port: port) { client in
            try await client.sendRegistration(1, header: ModelHeader(name: name, format: .onnx), bytes: bytes)
            guard let frame = try await client.next() else { throw RegistrationFailed(status: nil) }
            guard frame.statusCode == .ok, let version = try frame.response(RegisterModelResponse.self).version else {
                throw RegistrationFailed(status: frame.status)
            }
            return version
        }
    }

    struct RegistrationFailed: Error {
        let status: Status?
    }
}
