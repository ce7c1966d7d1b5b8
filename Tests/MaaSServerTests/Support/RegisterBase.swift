import Foundation
import MaaSModelConfig
import MaaSProtocol

@testable import MaaSServer

/// The valid registration the mutations start from: the MLP fixture under a header using every field a tensor
/// classifier can (labels, size and hash, classes, batching).
struct RegisterBase: Sendable {
    typealias Frame = RegisterMutationTests.Call.Frame
    static let modelBytes: [UInt8] = (try? MLPFixture.modelBytes()) ?? []

    let model: [UInt8]
    let sha256: String
    let run: MLPFixture.Run
    let header: ModelHeader
    let headerPayload: [UInt8]
    /// `headerPayload` parsed: the RegisterModelRequest, its header, and the header's labels, audio, classes and
    /// batching as messages.
    let fields: [WireField]

    init() throws {
        model = try MLPFixture.modelBytes()
        let expected = try MLPFixture.expected()
        sha256 = expected.sha256
        run = expected.runs[0]
        header = ModelHeader(
            name: "fuzzed", format: .onnx, description: "seeded mutation base",
            labels: ["owner": "fuzz", "purpose": "register mutation"], sizeBytes: UInt64(model.count), sha256: sha256,
            classes: ClassLabels(names: ["low", "mid", "high"], topK: 2),
            batching: BatchingConfig(maxBatchSize: 4, maxQueueDelayMicroseconds: 100))
        headerPayload = RegisterModelRequest(.header(header)).serializedBytes()
        var outer = WireTree.parse(headerPayload, nil) ?? []
        if case .bytes(let bytes) = outer.first?.value, var fields = WireTree.parse(bytes, nil) {
            for j in fields.indices where [4, 7, 8, 9].contains(fields[j].number) {
                if case .bytes(let inner) = fields[j].value, let parsed = WireTree.parse(inner, nil) {
                    fields[j].value = .message(parsed)
                }
            }
            outer[0].value = .message(fields)
        }
        fields = outer
    }

    /// The header payload with the header's own fields edited on the wire.
    func editedHeader(_ change: (inout [WireField]) -> Void) -> [UInt8] {
        var edited = fields
        WireTree.edit(&edited, at: [0]) { level, i in
            guard case .message(var header) = level[i].value else { return }
            change(&header)
            level[i].value = .message(header)
        }
        return WireTree.encode(edited)
    }

    /// `pieces` as chunk frames, the last with end_stream when `end`; an empty upload is one empty chunk.
    static func chunkFrames(_ pieces: [[UInt8]], end: Bool = true) -> [Frame] {
        let pieces = pieces.isEmpty ? [[]] : pieces
        return pieces.indices.map { i in
            Frame(payload: RegisterModelRequest(.chunk(pieces[i])).serializedBytes(), endStream: end && i == pieces.count - 1)
        }
    }

    static func pieces(_ bytes: [UInt8], size: Int = 128) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }

    func frames(header payload: [UInt8]) -> [Frame] {
        [Frame(opens: true, payload: payload)] + Self.chunkFrames(Self.pieces(model))
    }
}
