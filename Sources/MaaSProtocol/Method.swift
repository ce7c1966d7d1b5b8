/// The methods of `maas.v1.ModelService` and their wire names.
public enum Method: String, Sendable, CaseIterable {
    case registerModel = "/maas.v1.ModelService/RegisterModel"
    case listVersions = "/maas.v1.ModelService/ListVersions"
    case predict = "/maas.v1.ModelService/Predict"

    /// The short name, e.g. `Predict` (a constant: the server logs it with every call).
    public var shortName: String {
        switch self {
        case .registerModel: "RegisterModel"
        case .listVersions: "ListVersions"
        case .predict: "Predict"
        }
    }

    /// Whether the client sends more than one frame.
    public var isClientStreaming: Bool { self == .registerModel }
}

/// Metadata keys the server understands.
public enum MetadataKey {
    /// Deadline for the call in milliseconds from when the server reads its first frame.
    public static let timeoutMs = "timeout-ms"
}
