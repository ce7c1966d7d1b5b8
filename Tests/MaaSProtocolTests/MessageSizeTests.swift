import MaaSProtocol
import ProtoWire
import Testing

/// Messages that declare their size (so enclosing messages write them in place) declare exactly what they
/// encode to; the hostile-bytes suite checks the same for every value it decodes.
@Suite("maas.v1 declared sizes")
struct MessageSizeTests {
    @Test("messages that declare their size declare the size of Google's bytes",
          arguments: ProtocolCases.all.filter { $0.declaredSize != nil })
    func declaredSizes(_ golden: ProtocolCase) throws {
        #expect(golden.declaredSize == (try Fixtures.golden(golden.name)).count)
    }

    @Test("sizes at the edges: negative int32, -0.0, empty and long strings, 10-byte shapes")
    func edges() {
        let values: [any ProtoSizedMessage] = [
            Status(code: .ok, message: String(repeating: "é", count: 100)),
            ClassScore(index: -1, label: "", probability: -0.0),
            Tensor(dtype: .int64, shape: [-1, Int64.max, 0, 300], rawData: [UInt8](repeating: 1, count: 200)),
            NamedTensor(name: "x", tensor: Tensor()),
            PredictResponse(name: "m", version: -5, outputs: [NamedTensor()], topClasses: [ClassScore()], transcript: "t",
                            features: Tensor(shape: [0], floats: [])),
            PredictRequest(name: "", audio: .file([]), includeFeatures: true, topK: -3),
            PredictRequest(name: "s", audio: .pcm(RawAudio(sampleRate: -1, channels: 0, samples: [1, 2, 3, 4]))),
        ]
        for value in values {
            #expect(value.serializedSize == value.serializedBytes().count, "\(value)")
        }
    }
}
