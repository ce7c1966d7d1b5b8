import MaaSProtocol
import Testing

@testable import MaaSServer

/// RegisterModel, ListVersions and Predict end to end on a real ONNX model, over real sockets.
@Suite("ModelService", .timeLimit(.minutes(1)))
struct ModelServiceTests {
    @Test("registers an ONNX model, lists it, and predicts what ONNX Runtime computes")
    func registerListPredict() async throws {
        let bytes = try MLPFixture.modelBytes()
        let expected = try MLPFixture.expected()
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                let header = ModelHeader(
                    name: "mlp", format: .onnx, description: "tiny classifier", labels: ["team": "tests"],
                    sizeBytes: UInt64(bytes.count), sha256: expected.sha256)
                try await client.sendRegistration(1, header: header, bytes: bytes, chunkSize: 100)
                let registered = try #require(try await client.next())
                #expect(registered.callID == 1)
                #expect(registered.statusCode == .ok, "\(registered.status?.message ?? "")")
                let version = try #require(try registered.response(RegisterModelResponse.self).version)
                #expect(version.name == "mlp")
                #expect(version.version == 1)
                #expect(version.format == .onnx)
                #expect(version.sizeBytes == UInt64(bytes.count))
                #expect(version.sha256 == header.sha256)
                #expect(version.labels == ["team": "tests"])
                #expect(version.inputs == [TensorSpec(name: "x", dtype: .float32, shape: [-1, 4])])
                #expect(version.outputs == [TensorSpec(name: "y", dtype: .float32, shape: [-1, 3])])

                let listed = try #require(try await client.unary(2, .listVersions, ListVersionsRequest(name: "mlp")))
                #expect(listed.statusCode == .ok)
                #expect(try listed.response(ListVersionsResponse.self).versions == [version])

                for (index, run) in expected.runs.enumerated() {
                    let frame = try #require(try await client.unary(
                        UInt64(10 + index), .predict, MLPFixture.predictRequest(name: "mlp", run: run)))
                    #expect(frame.statusCode == .ok, "\(frame.status?.message ?? "")")
                    let response = try frame.response(PredictResponse.self)
                    #expect(response.name == "mlp")
                    #expect(response.version == 1)
                    let output = try #require(response.outputs.first)
                    #expect(response.outputs.count == 1)
                    #expect(output.name == "y")
                    let tensor = try #require(output.tensor)
                    #expect(tensor.dtype == .float32)
                    #expect(tensor.shape == run.y.shape.map(Int64.init))
                    let values = tensor.floatValues()
                    #expect(values.count == run.y.values.count)
                    for (got, want) in zip(values, run.y.values) {
                        #expect(abs(got - want) <= 1e-5, "got \(values), ONNX Runtime \(run.y.values)")
                    }
                }
            }
        }
    }

    @Test("numbers versions from 1 per name, newest first; version 0 predicts with the latest")
    func versions() async throws {
        let run = try #require(try MLPFixture.expected().runs.first)
        try await TestServer.with { _, port in
            let first = try await MLPFixture.register(port: port, name: "clf")
            let second = try await MLPFixture.register(port: port, name: "clf")
            let other = try await MLPFixture.register(port: port, name: "other")
            #expect([first.version, second.version, other.version] == [1, 2, 1])
            try await FrameClient.connect(port: port) { client in
                let listed = try #require(try await client.unary(1, .listVersions, ListVersionsRequest(name: "clf")))
                #expect(try listed.response(ListVersionsResponse.self).versions.map(\.version) == [2, 1])

                let latest = try #require(try await client.unary(2, .predict, MLPFixture.predictRequest(name: "clf", run: run)))
                #expect(try latest.response(PredictResponse.self).version == 2)
                let pinned = try #require(try await client.unary(
                    3, .predict, MLPFixture.predictRequest(name: "clf", version: 1, run: run)))
                #expect(try pinned.response(PredictResponse.self).version == 1)
                let missing = try #require(try await client.unary(
                    4, .predict, MLPFixture.predictRequest(name: "clf", version: 9, run: run)))
                #expect(missing.statusCode == .notFound)
            }
        }
    }

    @Test("refuses an upload that is not a model, and creates no version")
    func invalidModel() async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                try await client.sendRegistration(1, header: ModelHeader(name: "junk"), bytes: Array("not a model".utf8))
                let frame = try #require(try await client.next())
                #expect(frame.statusCode == .invalidArgument)
                let listed = try #require(try await client.unary(2, .listVersions, ListVersionsRequest(name: "junk")))
                #expect(listed.statusCode == .notFound)
            }
        }
    }

    @Test("refuses an upload whose sha256 does not match, and creates no version")
    func sha256Mismatch() async throws {
        let bytes = try MLPFixture.modelBytes()
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                let header = ModelHeader(name: "mlp", sha256: String(repeating: "0", count: 64))
                try await client.sendRegistration(1, header: header, bytes: bytes)
                let frame = try #require(try await client.next())
                #expect(frame.statusCode == .invalidArgument)
                let listed = try #require(try await client.unary(2, .listVersions, ListVersionsRequest(name: "mlp")))
                #expect(listed.statusCode == .notFound)
            }
        }
    }

    @Test("refuses a RegisterModel whose first frame carries a chunk instead of a header")
    func registerWithoutHeader() async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                try await client.send(Envelope(
                    callID: 1, method: Method.registerModel.rawValue,
                    payload: RegisterModelRequest(.chunk([0x08, 0x08])).serializedBytes(), endStream: true))
                let frame = try #require(try await client.next())
                #expect(frame.statusCode == .invalidArgument)
                #expect(frame.status?.message.contains("header") == true)
            }
        }
    }

    static let badInputs: [(String, PredictRequest, String)] = [
        ("wrong shape", PredictRequest(name: "mlp", inputs: [NamedTensor(name: "x", tensor: Tensor(shape: [2, 5], floats: .init(repeating: 0, count: 10)))]), "shape"),
        ("wrong dtype", PredictRequest(name: "mlp", inputs: [NamedTensor(name: "x", tensor: Tensor(shape: [1, 4], int64s: [1, 2, 3, 4]))]), "int64"),
        ("unknown input", PredictRequest(name: "mlp", inputs: [NamedTensor(name: "z", tensor: Tensor(shape: [1, 4], floats: [1, 2, 3, 4]))]), "'z'"),
        ("missing input", PredictRequest(name: "mlp", inputs: []), "'x'"),
        ("short raw_data", PredictRequest(name: "mlp", inputs: [NamedTensor(name: "x", tensor: Tensor(dtype: .float32, shape: [1, 4], rawData: [0, 0, 0]))]), "raw_data"),
    ]

    @Test("answers bad Predict inputs with INVALID_ARGUMENT saying what is wrong", arguments: badInputs.indices)
    func badPredictInputs(index: Int) async throws {
        let (_, request, mention) = Self.badInputs[index]
        try await TestServer.with { _, port in
            _ = try await MLPFixture.register(port: port, name: "mlp")
            try await FrameClient.connect(port: port) { client in
                let frame = try #require(try await client.unary(1, .predict, request))
                #expect(frame.statusCode == .invalidArgument)
                #expect(frame.status?.message.contains(mention) == true, "\(frame.status?.message ?? "")")
            }
        }
    }

    @Test("streams an upload far larger than the connection's upload buffer")
    func uploadThroughSmallBuffer() async throws {
        let bytes = try MLPFixture.modelBytes()
        try await TestServer.with({ $0.uploadBufferBytesPerConnection = 1 }) { _, port in
            try await FrameClient.connect(port: port) { client in
                try await client.sendRegistration(1, header: ModelHeader(name: "mlp"), bytes: bytes, chunkSize: 16)
                let frame = try #require(try await client.next())
                #expect(frame.statusCode == .ok, "\(frame.status?.message ?? "")")
                #expect(try frame.response(RegisterModelResponse.self).version?.sizeBytes == UInt64(bytes.count))
            }
        }
    }

    @Test("answers many pipelined calls of different methods on one connection, each under its own id")
    func pipelined() async throws {
        let runs = try MLPFixture.expected().runs
        try await TestServer.with({ $0.inferenceWorkers = 2; $0.inferenceQueueDepth = 64 }) { _, port in
            _ = try await MLPFixture.register(port: port, name: "mlp")
            try await FrameClient.connect(port: port) { client in
                let count = 60
                for id in 1...count {
                    if id % 3 == 0 {
                        try await client.send(Envelope(
                            callID: UInt64(id), method: Method.listVersions.rawValue,
                            payload: ListVersionsRequest(name: "mlp").serializedBytes(), endStream: true))
                    } else {
                        let run = runs[id % runs.count]
                        try await client.send(Envelope(
                            callID: UInt64(id), method: Method.predict.rawValue,
                            payload: MLPFixture.predictRequest(name: "mlp", run: run).serializedBytes(), endStream: true))
                    }
                }
                var seen = Set<UInt64>()
                for _ in 1...count {
                    let frame = try #require(try await client.next())
                    #expect(frame.statusCode == .ok)
                    #expect(seen.insert(frame.callID).inserted, "two answers for call \(frame.callID)")
                    if frame.callID % 3 == 0 {
                        #expect(try frame.response(ListVersionsResponse.self).versions.count == 1)
                    } else {
                        let run = runs[Int(frame.callID) % runs.count]
                        let output = try #require(try frame.response(PredictResponse.self).outputs.first?.tensor)
                        #expect(output.shape == run.y.shape.map(Int64.init))
                        #expect(zip(output.floatValues(), run.y.values).allSatisfy { abs($0 - $1) <= 1e-5 })
                    }
                }
                #expect(seen == Set((1...count).map(UInt64.init)))
            }
        }
    }
}
