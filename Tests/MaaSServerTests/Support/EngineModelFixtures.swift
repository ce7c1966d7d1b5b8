import Foundation
import MaaSEngine

/// The exported models of MaaSEngineTests' fixtures (PyTorch and Keras LSTMs and GRUs, bidirectional, a
/// CNN+GRU, the reference speech model), each checked against ONNX Runtime there.
enum EngineModelFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("MaaSEngineTests/Fixtures/models")

    /// The ONNX file of fixture `name` (e.g. "reference_speech").
    static func path(_ name: String) -> String {
        directory.appendingPathComponent("\(name)/model.onnx").path
    }

    /// Fixture `name` compiled and loaded, as the server would run it.
    static func load(_ name: String) throws -> LoadedModel {
        try LoadedModel.load(bytes: try ModelCompiler.compile(onnxFileAt: path(name)).serialized())
    }
}
