import MaaSEngine
import MaaSProtocol

extension ModelService {
    func predict(_ call: CallContext, payload: [UInt8]) async throws -> [UInt8] {
        let request = try PredictRequest(serializedBytes: payload)
        var logger = call.logger
        logger[metadataKey: "model.name"] = "\(request.name)"
        try ModelName.validate(request.name)
        guard request.version >= 0 else {
            throw RPCError(.invalidArgument, "version \(request.version) is negative; use 0 for the latest or a version number")
        }
        let registry = self.registry
        let stored = try await blocking { try registry.resolve(name: request.name, version: request.version) }
        let info = stored.info
        logger[metadataKey: "model.version"] = "\(info.version)"

        let inputs = try PredictInputs.validated(
            request.inputs, specs: info.inputs, model: "'\(info.name)' version \(info.version)")
        let model = try await models.model(for: stored)
        // The queue bounds inference, not loading: a version loads once, on its first Predict, on the blocking pool.
        let outputs = try await inference.run { try model.run(inputs) }

        var named: [NamedTensor] = []
        named.reserveCapacity(info.outputs.count)
        for spec in info.outputs {
            guard let tensor = outputs[spec.name] else {
                throw EngineError(.internalError, "model '\(info.name)' version \(info.version) did not produce output '\(spec.name)'")
            }
            named.append(NamedTensor(name: spec.name, tensor: TensorConversion.wireTensor(tensor)))
        }
        logger.debug("prediction made")
        return PredictResponse(name: info.name, version: info.version, outputs: named).serializedBytes()
    }
}
