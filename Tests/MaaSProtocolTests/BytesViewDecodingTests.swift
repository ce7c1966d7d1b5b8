import MaaSProtocol
import ProtoWire
import Testing
import MaaSTestSupport

/// Messages decoded from an envelope's payload, a view into the frame: the values and errors of decoding an
/// array of the same bytes, with bytes fields (tensor data, audio) left in the frame rather than copied.
@Suite("maas.v1 decoding from a view")
struct BytesViewDecodingTests {
    @Test("decodes Google's bytes carried as an envelope's payload to the same value", arguments: ProtocolCases.all)
    func decodesGoldens(_ golden: ProtocolCase) throws {
        let payload = inFrame(try Fixtures.golden(golden.name))
        // An empty payload is not on the wire at all.
        #expect(payload.isEmpty || payload.range.lowerBound > 0)
        #expect(try golden.viewDecodesToValue(payload))
    }

    @Test("hostile payloads fail with the array's error, located from the payload's first byte",
          arguments: MessageDecodingErrorTests.cases + MessageDecodingErrorTests.audioCases)
    func namesThePath(_ bad: BadPayload) {
        let payload = inFrame(bad.bytes)
        let fromView = #expect(throws: ProtoDecodingError.self) { try bad.decodeView(payload) }
        let fromArray = #expect(throws: ProtoDecodingError.self) { try bad.decode(bad.bytes) }
        #expect(fromView == fromArray)
        #expect(fromView?.offset == bad.offset)
    }

    @Test("mutations of every golden message decode or fail from a view as from an array", arguments: ProtocolCases.all)
    func mutatedGoldens(_ golden: ProtocolCase) throws {
        let original = try Fixtures.golden(golden.name)
        var random = SplitMix64(name: "view " + golden.name)
        for _ in 0..<50 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) { bytes.mutate(using: &random) }
            golden.kind.checkViewMatchesArray(bytes)
        }
    }

    @Test("a predict request's tensor data and audio are views of the frame it arrived in, not copies")
    func tensorsAndAudioShareTheFrame() throws {
        let samples = (0..<64).flatMap { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) }
        let requests = [
            ProtocolCases.predictRequest,
            PredictRequest(name: "speech", audio: .file(Array("RIFF".utf8) + Array(0...200))),
            PredictRequest(name: "speech", audio: .pcm(RawAudio(sampleRate: 16_000, channels: 1, samples: samples))),
        ]
        for request in requests {
            let frame = Envelope(callID: 9, method: Method.predict.rawValue, payload: request.serializedBytes())
                .serializedBytes()
            let envelope = try Envelope(serializedBytes: BytesView(frame))
            let decoded = try PredictRequest(serializedBytes: envelope.payload)
            #expect(decoded == request)

            var views = decoded.inputs.compactMap { $0.tensor?.rawData }
            switch decoded.audio {
            case .file(let bytes): views.append(bytes)
            case .pcm(let raw): views.append(raw.samples)
            case nil: break
            }
            #expect(!views.isEmpty)
            frame.withUnsafeBytes { frameBytes in
                for view in [envelope.payload] + views {
                    #expect(envelope.payload.range.contains(view.range.lowerBound))
                    #expect(view.range.upperBound <= envelope.payload.range.upperBound)
                    view.withUnsafeBytes { #expect($0.baseAddress == frameBytes.baseAddress! + view.range.lowerBound) }
                }
            }
        }
    }

    @Test("values built from arrays share the array, and their encodings match Google's")
    func arraysAreShared() throws {
        let raw: [UInt8] = [0, 0, 128, 63]
        let tensor = Tensor(dtype: .float32, shape: [1], rawData: raw)
        raw.withUnsafeBytes { array in tensor.rawData.withUnsafeBytes { #expect($0.baseAddress == array.baseAddress) } }
        #expect(tensor == Tensor(shape: [1], floats: [1.0]))
        #expect(tensor.floatValues() == [1.0])
    }
}
