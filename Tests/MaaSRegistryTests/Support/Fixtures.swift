import Crypto
import Foundation
import Logging
import MaaSProtocol
import MaaSRegistry

/// Stand-in for the server's compile step: writes a small "native model" derived from the upload.
func fakePrepare(_ uploadedFilePath: String, _ artifactPath: String) throws(RPCError) -> PreparedModel {
    guard let uploaded = FileManager.default.contents(atPath: uploadedFilePath) else {
        throw RPCError(.internal, "test prepare could not read \(uploadedFilePath)")
    }
    let artifact = Data("native:\(uploaded.count)".utf8)
    guard FileManager.default.createFile(atPath: artifactPath, contents: artifact) else {
        throw RPCError(.internal, "test prepare could not write \(artifactPath)")
    }
    return PreparedModel(
        format: .onnx,
        inputs: [TensorSpec(name: "x", dtype: .float32, shape: [-1, 4])],
        outputs: [TensorSpec(name: "y", dtype: .float32, shape: [-1, 2])])
}

func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

func modelBytes(_ seed: Int, count: Int = 1000) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
}

extension ModelRegistry {
    /// Opens a registry on `directory` with a logger that goes nowhere unless one is given.
    convenience init(directory: String, maxModelSizeBytes: UInt64 = 4 << 30, logger: Logger? = nil) throws(RPCError) {
        try self.init(
            configuration: RegistryConfiguration(directory: directory, maxModelSizeBytes: maxModelSizeBytes),
            logger: logger ?? Logger(label: "maas.registry.tests") { _ in SwiftLogNoOpLogHandler() })
    }

    /// Registers `bytes` in one chunk through the normal upload path.
    @discardableResult
    func register(
        _ name: String, _ bytes: [UInt8], description: String = "", labels: [String: String] = [:]
    ) throws(RPCError) -> ModelVersion {
        let header = ModelHeader(
            name: name, description: description, labels: labels, sizeBytes: UInt64(bytes.count),
            sha256: sha256Hex(bytes))
        let upload = try beginUpload(header)
        try upload.append(bytes)
        return try upload.commit(prepare: fakePrepare)
    }
}
