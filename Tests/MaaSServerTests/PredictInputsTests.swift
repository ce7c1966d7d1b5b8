import MaaSEngine
import MaaSProtocol
import Testing

@testable import MaaSServer

@Suite("PredictInputs")
struct PredictInputsTests {
    static let specs = [
        TensorSpec(name: "audio", dtype: .float32, shape: [-1, 1, 3]),
        TensorSpec(name: "ids", dtype: .int64, shape: [2]),
    ]
    static let audio = NamedTensor(name: "audio", tensor: Tensor(shape: [2, 1, 3], floats: [1, 2, 3, 4, 5, 6]))
    static let ids = NamedTensor(name: "ids", tensor: Tensor(shape: [2], int64s: [7, -8]))
    static let idsWithoutTensor = {
        var named = NamedTensor()
        named.name = "ids"
        return named
    }()

    @Test("converts inputs that match the specs, dynamic dimensions taking any size")
    func valid() throws {
        let tensors = try PredictInputs.validated([Self.ids, Self.audio], specs: Self.specs, model: "'m' version 1")
        #expect(tensors["audio"] == HostTensor(shape: [2, 1, 3], floats: [1, 2, 3, 4, 5, 6]))
        #expect(tensors["ids"] == HostTensor(shape: [2], int64s: [7, -8]))
    }

    static let invalid: [(String, [NamedTensor], String)] = [
        ("missing input", [audio], "needs input 'ids'"),
        ("unknown input", [audio, ids, NamedTensor(name: "extra", tensor: Tensor(shape: [], floats: [1]))], "no input 'extra'"),
        ("duplicate input", [audio, ids, audio], "more than once"),
        ("no tensor", [audio, idsWithoutTensor], "has no tensor"),
        ("wrong dtype", [audio, NamedTensor(name: "ids", tensor: Tensor(shape: [2], floats: [1, 2]))], "is float32 but the model expects int64[2]"),
        ("wrong rank", [NamedTensor(name: "audio", tensor: Tensor(shape: [6], floats: [1, 2, 3, 4, 5, 6])), ids], "has shape [6]"),
        ("wrong fixed dimension", [NamedTensor(name: "audio", tensor: Tensor(shape: [1, 2, 3], floats: .init(repeating: 0, count: 6))), ids], "float32[-1, 1, 3]"),
        ("raw_data too short", [NamedTensor(name: "audio", tensor: Tensor(dtype: .float32, shape: [1, 1, 3], rawData: [0, 0, 0, 0])), ids], "raw_data holds 4 bytes"),
        ("negative dimension", [audio, NamedTensor(name: "ids", tensor: Tensor(dtype: .int64, shape: [-2], rawData: []))], "has shape [-2]"),
    ]

    @Test("rejects inputs that do not match, saying which and how", arguments: invalid.indices)
    func rejects(index: Int) {
        let (_, inputs, mention) = Self.invalid[index]
        do {
            _ = try PredictInputs.validated(inputs, specs: Self.specs, model: "'m' version 1")
            Issue.record("accepted \(Self.invalid[index].0)")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains(mention), "\(error.message)")
        }
    }

    /// (case, the specs left besides the audio's input "audio", the tensors sent with the audio, what the error says)
    static let besideAudio: [(String, [TensorSpec], [NamedTensor], String)] = [
        ("unknown input, audio is the only one", [], [ids],
         "has no input 'ids'; its input 'audio' is computed from the request's audio, and it takes no other input: send the audio alone"),
        ("unknown input, others left", [specs[1]], [ids, NamedTensor(name: "gain", tensor: Tensor(shape: [], floats: [1]))],
         "has no input 'gain'; its input 'audio' is computed from the request's audio, and its other inputs are 'ids'"),
        ("the audio's input sent as a tensor too", [specs[1]], [ids, audio],
         "input 'audio' of model 'm' version 1 is computed from the request's audio; send the audio or the tensor, not both"),
    ]

    @Test("tensors sent beside audio: an unknown one is named with what the model does take", arguments: besideAudio.indices)
    func besideAudioInput(index: Int) {
        let (_, specs, inputs, message) = Self.besideAudio[index]
        do {
            _ = try PredictInputs.validated(inputs, specs: specs, model: "'m' version 1", audioInput: "audio")
            Issue.record("accepted \(Self.besideAudio[index].0)")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.hasSuffix(message), "\(error.message)")
        }
    }
}
