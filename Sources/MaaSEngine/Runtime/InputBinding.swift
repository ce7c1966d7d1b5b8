/// Matches a run's named inputs to a plan's input signatures, with messages that say exactly what is wrong.
package enum InputBinding {
    package static func match(_ inputs: [String: HostTensor], _ bindings: [PlanBinding]) throws(EngineError) -> [HostTensor] {
        var ordered: [HostTensor] = []
        ordered.reserveCapacity(bindings.count)
        // Only for the messages: built on every run it was a measurable part of a 0.1 ms model's (perf, c=1).
        func expected() -> String { bindings.map { $0.signature.description }.joined(separator: ", ") }
        for binding in bindings {
            let signature = binding.signature
            guard let tensor = inputs[signature.name] else {
                throw EngineError.invalidInput("missing input '\(signature.name)'; the model takes \(expected())")
            }
            guard tensor.elementType == signature.elementType else {
                throw EngineError.invalidInput(
                    "input '\(signature.name)' is \(tensor.elementType.rawValue), the model expects \(signature.elementType.rawValue)")
            }
            guard tensor.shape.count == signature.shape.count else {
                throw EngineError.invalidInput(
                    "input '\(signature.name)' has shape \(tensor.shape), the model expects rank \(signature.shape.count) (\(signature))")
            }
            var count = 1
            for (axis, (given, wanted)) in zip(tensor.shape, signature.shape).enumerated() {
                guard given >= 1 else {
                    throw EngineError.invalidInput("input '\(signature.name)' has dimension \(given) at axis \(axis); dimensions must be ≥ 1")
                }
                guard wanted == -1 || given == wanted else {
                    throw EngineError.invalidInput(
                        "input '\(signature.name)' has shape \(tensor.shape), the model expects \(signature.shape) (axis \(axis) must be \(wanted))")
                }
                let product = count.multipliedReportingOverflow(by: given)
                guard !product.overflow else { throw EngineError.invalidInput("input '\(signature.name)' is too large") }
                count = product.partialValue
            }
            guard tensor.storedCount == count else {
                throw EngineError.invalidInput(
                    "input '\(signature.name)' has \(tensor.storedCount) values, its shape \(tensor.shape) needs \(count)")
            }
            ordered.append(tensor)
        }
        // Every binding found its input: any more inputs are unknown ones (named in a stable order).
        if inputs.count > ordered.count,
            let unknown = inputs.keys.sorted().first(where: { name in !bindings.contains { $0.signature.name == name } })
        {
            throw EngineError.invalidInput("unknown input '\(unknown)'; the model takes \(expected())")
        }
        return ordered
    }
}
