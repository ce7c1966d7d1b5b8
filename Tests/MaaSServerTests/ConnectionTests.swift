import MaaSProtocol
import NIOCore
import Testing

@testable import MaaSServer

/// The connection's framing and routing rules, over real sockets. None of these need a model.
@Suite("Connection", .timeLimit(.minutes(1)))
struct ConnectionTests {
    @Test("answers an unknown method with UNIMPLEMENTED and keeps the connection usable")
    func unknownMethod() async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                let unknown = try #require(try await client.unary(5, "/maas.v1.ModelService/Train", payload: []))
                #expect(unknown.callID == 5)
                #expect(unknown.statusCode == .unimplemented)
                #expect(unknown.status?.message.contains("/maas.v1.ModelService/Train") == true)
                #expect(unknown.endStream)

                let next = try #require(try await client.unary(6, .listVersions, ListVersionsRequest(name: "absent")))
                #expect(next.callID == 6)
                #expect(next.statusCode == .notFound)
            }
        }
    }

    @Test("names the message, field and byte offset of an undecodable payload, and keeps the connection usable")
    func undecodablePayload() async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                // ListVersionsRequest.name (field 1, length-delimited): the length at byte 1 declares 10 bytes; 2 follow.
                let bad = try #require(try await client.unary(1, Method.listVersions.rawValue, payload: [0x0A, 0x0A, 0x61, 0x62]))
                #expect(bad.statusCode == .invalidArgument)
                let message = try #require(bad.status?.message)
                #expect(message.contains("ListVersionsRequest.name"), "\(message)")
                #expect(message.contains("at byte 1"), "\(message)")

                let next = try #require(try await client.unary(2, .listVersions, ListVersionsRequest(name: "absent")))
                #expect(next.statusCode == .notFound)
            }
        }
    }

    @Test("refuses a frame announcing more than the maximum from its prefix alone: RESOURCE_EXHAUSTED on call 0, then close")
    func oversizedFrameHeaderWithoutBody() async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                // 4 GiB - 1 announced and nothing more sent: the answer must not wait for a body.
                try await client.send(bytes: [0xFF, 0xFF, 0xFF, 0xFF])
                let frames = try await client.readUntilClosed()
                #expect(frames.count == 1)
                let frame = try #require(frames.first)
                #expect(frame.callID == 0)
                #expect(frame.statusCode == .resourceExhausted)
                #expect(frame.status?.message.contains("4294967295") == true)
            }
        }
    }

    @Test("refuses a frame one byte over a configured maximum, after answering the calls before it")
    func frameOverConfiguredMaximum() async throws {
        try await TestServer.with({ $0.maxFrameSize = 1024 }) { _, port in
            try await FrameClient.connect(port: port) { client in
                let fine = try #require(try await client.unary(1, .listVersions, ListVersionsRequest(name: "absent")))
                #expect(fine.statusCode == .notFound)
                try await client.send(bytes: [0x00, 0x00, 0x04, 0x01])
                let frames = try await client.readUntilClosed()
                #expect(frames.map(\.callID) == [0])
                #expect(frames.first?.statusCode == .resourceExhausted)
            }
        }
    }

    @Test("answers a frame cut short by the client's close with INVALID_ARGUMENT on call 0, then closes")
    func truncatedFrameThenClose() async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                let frame = Framing.frame(Envelope(
                    callID: 3, method: Method.listVersions.rawValue,
                    payload: ListVersionsRequest(name: "absent").serializedBytes(), endStream: true))
                try await client.send(bytes: Array(frame.prefix(frame.count - 3)))
                client.finishSending()
                let frames = try await client.readUntilClosed()
                #expect(frames.count == 1)
                #expect(frames.first?.callID == 0)
                #expect(frames.first?.statusCode == .invalidArgument)
                #expect(frames.first?.status?.message.contains("ended inside a frame") == true)
            }
        }
    }

    @Test("answers an undecodable envelope with INVALID_ARGUMENT on call 0, then closes")
    func undecodableEnvelope() async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                // Field 6 (end_stream) with wire type 7, which does not exist.
                try await client.send(bytes: [0, 0, 0, 2, 0x37, 0x01])
                let frames = try await client.readUntilClosed()
                #expect(frames.count == 1)
                #expect(frames.first?.callID == 0)
                #expect(frames.first?.statusCode == .invalidArgument)
                #expect(frames.first?.status?.message.contains("Envelope") == true)
            }
        }
    }

    @Test("answers calls already sent after the client shuts its sending side")
    func halfClose() async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                try await client.send(Envelope(
                    callID: 9, method: Method.listVersions.rawValue,
                    payload: ListVersionsRequest(name: "absent").serializedBytes(), endStream: true))
                client.finishSending()
                let frames = try await client.readUntilClosed()
                #expect(frames.map(\.callID) == [9])
                #expect(frames.first?.statusCode == .notFound)
            }
        }
    }

    @Test("drops frames of calls that are not in flight instead of answering them")
    func lateFramesDropped() async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                try await client.send(Envelope(
                    callID: 77, payload: RegisterModelRequest(.chunk([1, 2, 3])).serializedBytes(), endStream: true))
                let next = try #require(try await client.unary(1, .listVersions, ListVersionsRequest(name: "absent")))
                #expect(next.callID == 1)
            }
        }
    }

    @Test("rejects malformed timeout-ms metadata with INVALID_ARGUMENT", arguments: ["", "-5", "1.5", " 10", "ten", "99999999999999999999"])
    func badTimeoutMetadata(value: String) async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                let frame = try #require(try await client.unary(
                    1, .listVersions, ListVersionsRequest(name: "absent"), metadata: [MetadataKey.timeoutMs: value]))
                #expect(frame.statusCode == .invalidArgument)
                #expect(frame.status?.message.contains("timeout-ms") == true)
            }
        }
    }

    @Test("rejects an invalid model name before touching the registry")
    func invalidModelName() async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                let frame = try #require(try await client.unary(1, .listVersions, ListVersionsRequest(name: "../etc")))
                #expect(frame.statusCode == .invalidArgument)
                #expect(frame.status?.message.contains("'../etc'") == true)
            }
        }
    }

    @Test("answers an upload cut short by the client's close with CANCELLED, and keeps no version")
    func uploadCutShort() async throws {
        try await TestServer.with { _, port in
            try await FrameClient.connect(port: port) { client in
                try await client.send(Envelope(
                    callID: 4, method: Method.registerModel.rawValue,
                    payload: RegisterModelRequest(.header(ModelHeader(name: "partial"))).serializedBytes()))
                try await client.send(Envelope(callID: 4, payload: RegisterModelRequest(.chunk([0x08, 0x07])).serializedBytes()))
                client.finishSending()
                let frames = try await client.readUntilClosed()
                #expect(frames.map(\.callID) == [4])
                #expect(frames.first?.statusCode == .cancelled)
            }
            try await FrameClient.connect(port: port) { client in
                let listed = try #require(try await client.unary(1, .listVersions, ListVersionsRequest(name: "partial")))
                #expect(listed.statusCode == .notFound)
            }
        }
    }

    @Test("answers RESOURCE_EXHAUSTED instead of sending a response larger than the maximum frame size")
    func responseTooLarge() async throws {
        let bytes = try MLPFixture.modelBytes()
        try await TestServer.with({ $0.maxFrameSize = 128 }) { _, port in
            try await FrameClient.connect(port: port) { client in
                // Header and 64-byte chunk frames fit in 128 bytes; the ModelVersion answer (sha256, specs) does not.
                try await client.sendRegistration(1, header: ModelHeader(name: "mlp"), bytes: bytes, chunkSize: 64)
                let frame = try #require(try await client.next())
                #expect(frame.callID == 1)
                #expect(frame.statusCode == .resourceExhausted)
                #expect(frame.status?.message.contains("exceeds the maximum frame size of 128 bytes") == true)
            }
        }
    }
}
