import MaaSProtocol

extension MaaSClient {
    /// Every version of model `name`, newest first. NOT_FOUND when the name was never registered.
    public func listVersions(name: String, timeout: Duration? = nil) async throws(RPCError) -> [ModelVersion] {
        try await unary(.listVersions, ListVersionsRequest(name: name), timeout: timeout, as: ListVersionsResponse.self)
            .versions
    }

    /// Runs a model. `request.version` 0 asks for the latest; the response names the version used.
    public func predict(_ request: PredictRequest, timeout: Duration? = nil) async throws(RPCError) -> PredictResponse {
        try await unary(.predict, request, timeout: timeout, as: PredictResponse.self)
    }
}
