import MaaSProtocol

extension ModelService {
    func listVersions(_ call: CallContext, payload: BytesView) async throws -> [UInt8] {
        let request = try ListVersionsRequest(serializedBytes: payload)
        try ModelName.validate(request.name)
        let registry = self.registry
        let versions = try await blocking { try registry.versions(of: request.name) }
        return ListVersionsResponse(versions: versions).serializedBytes()
    }
}
