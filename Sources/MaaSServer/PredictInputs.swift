import MaaSEngine
import MaaSProtocol

/// Checks a Predict's inputs against the model's input specs before any work is queued, so a bad request
/// is answered with what is wrong (INVALID_ARGUMENT) rather than failing inside the engine.
enum PredictInputs {
    /// - Parameters:
    ///   - model: how to name the model in messages, e.g. `'iris' version 3`.
    ///   - audioInput: the input the request's audio is turned into, when it sends audio (not among `specs`).
    static func validated(
        _ inputs: [NamedTensor], specs: [TensorSpec], model: String, audioInput: String? = nil
    ) throws(RPCError) -> [String: HostTensor] {
        var byName: [String: HostTensor] = [:]
        for input in inputs {
            guard let spec = specs.first(where: { $0.name == input.name }) else {
                throw unknownInput(input.name, specs: specs, model: model, audioInput: audioInput)
            }
            guard byName[input.name] == nil else {
                throw RPCError(.invalidArgument, "input '\(input.name)' is given more than once")
            }
            guard let tensor = input.tensor else {
                throw RPCError(.invalidArgument, "input '\(input.name)' has no tensor")
            }
            try check(tensor, against: spec)
            byName[input.name] = TensorConversion.hostTensor(tensor)
        }
        if let missing = specs.first(where: { byName[$0.name] == nil }) {
            throw RPCError(.invalidArgument, "model \(model) needs input '\(missing.name)' (\(describe(missing))), which is missing")
        }
        return byName
    }

    /// Names what the model does take, so the caller can fix the request.
    private static func unknownInput(_ name: String, specs: [TensorSpec], model: String, audioInput: String?) -> RPCError {
        let names = specs.map { "'\($0.name)'" }.joined(separator: ", ")
        guard let audioInput else {
            return RPCError(.invalidArgument, "model \(model) has no input '\(name)'; its inputs are \(names)")
        }
        if name == audioInput {
            return RPCError(
                .invalidArgument,
                "input '\(name)' of model \(model) is computed from the request's audio; send the audio or the tensor, not both")
        }
        let others = specs.isEmpty ? "and it takes no other input: send the audio alone" : "and its other inputs are \(names)"
        return RPCError(
            .invalidArgument,
            "model \(model) has no input '\(name)'; its input '\(audioInput)' is computed from the request's audio, \(others)")
    }

    private static func check(_ tensor: Tensor, against spec: TensorSpec) throws(RPCError) {
        guard tensor.dtype == spec.dtype else {
            throw RPCError(
                .invalidArgument, "input '\(spec.name)' is \(tensor.dtype.name) but the model expects \(describe(spec))")
        }
        let matches = tensor.shape.count == spec.shape.count
            && zip(tensor.shape, spec.shape).allSatisfy { given, wanted in wanted < 0 || given == wanted }
        guard matches else {
            throw RPCError(
                .invalidArgument, "input '\(spec.name)' has shape \(tensor.shape) but the model expects \(describe(spec))")
        }
        do {
            _ = try tensor.validatedElementCount()
        } catch {
            throw RPCError(error.code, "input '\(spec.name)': \(error.message)")
        }
    }

    /// e.g. `float32[-1, 4]`, where -1 is any size.
    static func describe(_ spec: TensorSpec) -> String {
        "\(spec.dtype.name)[\(spec.shape.map(String.init).joined(separator: ", "))]"
    }
}
