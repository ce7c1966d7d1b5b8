import MaaSEngine
import MaaSProtocol

/// Checks a Predict's inputs against the model's input specs before any work is queued, so a bad request
/// is answered with what is wrong (INVALID_ARGUMENT) rather than failing inside the engine.
enum PredictInputs {
    /// - Parameter model: how to name the model in messages, e.g. `'iris' version 3`.
    static func validated(_ inputs: [NamedTensor], specs: [TensorSpec], model: String) throws(RPCError) -> [String: HostTensor] {
        var byName: [String: HostTensor] = [:]
        for input in inputs {
            guard let spec = specs.first(where: { $0.name == input.name }) else {
                let names = specs.map { "'\($0.name)'" }.joined(separator: ", ")
                throw RPCError(.invalidArgument, "model \(model) has no input '\(input.name)'; its inputs are \(names)")
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
