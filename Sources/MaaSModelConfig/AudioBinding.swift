import MaaSProtocol

/// Where a version's audio features go: the model input they feed and how [T, F] is shaped for it.
/// Resolved once, at registration, from the input's declared shape; a config that cannot fit is refused
/// there instead of failing on the first request.
public struct AudioBinding: Sendable, Equatable {
    public var input: String
    public var layout: FeatureLayout
    /// The input's frame count when the model fixes it; nil when any length is accepted.
    public var fixedFrames: Int?

    public init(input: String, layout: FeatureLayout, fixedFrames: Int?) {
        self.input = input
        self.layout = layout
        self.fixedFrames = fixedFrames
    }

    /// Picks the input and the layout for `config` on a model with `inputs`; `model` names it in messages.
    public static func resolve(_ config: AudioConfig, inputs: [TensorSpec], model: String) throws(ConfigError) -> AudioBinding {
        let spec = try pickInput(config.input, inputs: inputs, model: model)
        let shape = spec.shape
        let where_ = "input '\(spec.name)' \(describe(spec))"
        guard spec.dtype == .float32 else {
            throw ConfigError("audio features are float32 but \(where_) of \(model) is \(spec.dtype.name)")
        }
        let coefficients = config.features.nMFCC
        guard let last = shape.last, shape.count >= 2 else {
            throw ConfigError("audio features are [frames, coefficients] but \(where_) of \(model) has rank \(shape.count)")
        }
        guard last < 0 || last == Int64(coefficients) else {
            throw ConfigError(
                "\(where_) of \(model) takes \(last) features per frame but the audio config makes \(coefficients) (nMFCC)")
        }
        let layout = try pickLayout(config.layout, shape: shape, where_: where_, model: model)
        let frameDimension: Int64
        switch layout {
        case .frames: frameDimension = shape[0]
        case .timeMajor: frameDimension = shape[0]
        case .batchMajor: frameDimension = shape[1]
        case .unspecified: frameDimension = -1
        }
        return AudioBinding(input: spec.name, layout: layout, fixedFrames: frameDimension < 0 ? nil : Int(frameDimension))
    }

    /// The tensor shape for `frames` frames of `coefficients` values.
    public func shape(frames: Int, coefficients: Int) -> [Int64] {
        switch layout {
        case .frames: [Int64(frames), Int64(coefficients)]
        case .batchMajor: [1, Int64(frames), Int64(coefficients)]
        case .timeMajor, .unspecified: [Int64(frames), 1, Int64(coefficients)]
        }
    }

    private static func pickInput(_ name: String?, inputs: [TensorSpec], model: String) throws(ConfigError) -> TensorSpec {
        let names = inputs.map { "'\($0.name)'" }.joined(separator: ", ")
        if let name {
            guard let spec = inputs.first(where: { $0.name == name }) else {
                throw ConfigError("the audio config names input '\(name)' but \(model) has inputs \(names)")
            }
            return spec
        }
        guard inputs.count == 1, let only = inputs.first else {
            throw ConfigError("\(model) has inputs \(names): set \"input\" in the audio config to the one the features feed")
        }
        return only
    }

    private static func pickLayout(
        _ requested: FeatureLayout, shape: [Int64], where_: String, model: String
    ) throws(ConfigError) -> FeatureLayout {
        func fits(_ layout: FeatureLayout) -> Bool {
            switch layout {
            case .frames: shape.count == 2
            case .timeMajor: shape.count == 3 && (shape[1] == 1 || shape[1] < 0)
            case .batchMajor: shape.count == 3 && (shape[0] == 1 || shape[0] < 0)
            case .unspecified: false
            }
        }
        if requested != .unspecified {
            guard fits(requested) else {
                throw ConfigError("layout \(requested.name) (\(pattern(requested))) does not fit \(where_) of \(model)")
            }
            // Reading a batch axis of 1 as the time axis would allow one-frame clips only.
            let time = requested == .batchMajor ? shape[1] : shape[0]
            let other: FeatureLayout = requested == .batchMajor ? .timeMajor : .batchMajor
            if shape.count == 3, time == 1, fits(other) {
                throw ConfigError(
                    "layout \(requested.name) (\(pattern(requested))) reads the axis of size 1 of \(where_) of \(model) as "
                        + "time, so only one-frame clips would fit; its layout is \(other.name) (\(pattern(other)))")
            }
            return requested
        }
        if shape.count == 2 { return .frames }
        guard shape.count == 3 else {
            throw ConfigError(
                "audio features are [T, F]; \(where_) of \(model) has rank \(shape.count), which no feature layout fits")
        }
        let candidates = [FeatureLayout.timeMajor, .batchMajor].filter(fits)
        if candidates.count == 1, let only = candidates.first { return only }
        // Both fit: a batch axis fixed at 1 says which axis is time; two dynamic axes do not.
        if shape[1] == 1 { return .timeMajor }
        if shape[0] == 1 { return .batchMajor }
        if shape[0] < 0 && shape[1] < 0 {
            throw ConfigError(
                "cannot tell which axis of \(where_) is time: set \"layout\" in the audio config to \"time-major\" "
                    + "([T, 1, F], the ONNX LSTM default) or \"batch-major\" ([1, T, F], Keras and PyTorch batch_first)")
        }
        throw ConfigError("\(where_) of \(model) has no batch axis of size 1, so a single clip's features cannot fit it")
    }

    private static func pattern(_ layout: FeatureLayout) -> String {
        switch layout {
        case .frames: "[T, F]"
        case .timeMajor: "[T, 1, F]"
        case .batchMajor: "[1, T, F]"
        case .unspecified: "inferred"
        }
    }

    static func describe(_ spec: TensorSpec) -> String {
        "\(spec.dtype.name)[\(spec.shape.map { $0 < 0 ? "?" : String($0) }.joined(separator: ", "))]"
    }
}
