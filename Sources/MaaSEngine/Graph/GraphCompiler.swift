/// Turns a decoded ONNX model into a plan: checks opset and operators, walks the nodes in dependency order
/// tracking what is known about every value (constant, dim-program integers, or run-time tensor), folds what
/// it can, lowers the rest to plan ops, then fuses and prunes.
package struct GraphCompiler {
    package static let supportedOpsets: ClosedRange<Int64> = 11...21

    package let opset: Int
    package var builder = PlanBuilder()
    /// Everything known about each ONNX value, by name.
    package var values: [String: SymbolicValue] = [:]
    /// Plan tensors already created for values that started out constant or symbolic.
    package var materialized: [String: Int] = [:]
    private var inputs: [PlanBinding] = []
    /// Elements of small static int64 graph inputs as dim values, so a shape fed in as data can size tensors.
    package var inputValues: [Int: [DimRef]] = [:]
    private var syntheticCount = 0

    private init(opset: Int) {
        self.opset = opset
    }

    package static func compile(_ model: OnnxModel, metadata: [String: String]) throws(EngineError) -> CompiledPlan {
        guard let graph = model.graph else { throw EngineError.invalidModel("the model has no graph") }
        let opset = try checkedOpset(model)
        if let node = graph.nodes.first(where: { !SupportedOperators.isSupported($0) }) {
            throw SupportedOperators.error(for: node)
        }
        var compiler = GraphCompiler(opset: Int(opset))
        let parameterCount = try compiler.loadInitializers(graph)
        try compiler.bindInputs(graph)
        for node in try DependencyOrder.sorted(graph, known: Set(compiler.values.keys)) {
            try compiler.lower(node)
        }
        let outputs = try compiler.bindOutputs(graph)
        var plan = Plan(
            dims: compiler.builder.dims.program, tensors: compiler.builder.tensors, ops: compiler.builder.ops,
            inputs: compiler.inputs, outputs: outputs, constants: [], metadata: model.metadata.merging(metadata) { $1 },
            summary: PlanSummary(
                sourceOperatorCounts: graph.nodes.reduce(into: [:]) { $0[$1.opType, default: 0] += 1 },
                parameterCount: parameterCount,
                producer: [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " "),
                opsetVersion: Int(opset)))
        var constants = compiler.builder.constantData
        PlanOptimizer.optimize(&plan, constants: &constants)
        return try PlanLayout.finish(plan, constants: constants)
    }

    /// The default-domain opset version, which must be one the lowering rules were written for.
    package static func checkedOpset(_ model: OnnxModel) throws(EngineError) -> Int64 {
        guard let version = model.defaultOpsetVersion else {
            throw EngineError.invalidModel("the model imports no version of the default ONNX operator set (ai.onnx)")
        }
        guard supportedOpsets.contains(version) else {
            throw EngineError.invalidModel(
                "ONNX opset \(version) is not supported; export with an opset from \(supportedOpsets.lowerBound) "
                    + "to \(supportedOpsets.upperBound)")
        }
        return version
    }

    /// Initializers become constants; returns how many float parameters they hold.
    private mutating func loadInitializers(_ graph: OnnxGraph) throws(EngineError) -> Int {
        if graph.sparseInitializerCount > 0 {
            throw EngineError.unsupported("the graph has sparse initializers, which are not supported")
        }
        var parameters = 0
        for initializer in graph.initializers {
            guard !initializer.name.isEmpty else { throw EngineError.invalidModel("an initializer has no name") }
            let constant = try initializer.constant(what: "initializer '\(initializer.name)'")
            if constant.type.isFloat { parameters += constant.count }
            values[initializer.name] = SymbolicValue(
                type: constant.type, shape: builder.dims.constants(constant.shape), content: .constant(constant))
        }
        return parameters
    }

    private mutating func bindInputs(_ graph: OnnxGraph) throws(EngineError) {
        for info in graph.inputs where values[info.name] == nil {
            guard !info.name.isEmpty else { throw EngineError.invalidModel("a graph input has no name") }
            guard info.isTensor, info.hasType else {
                throw EngineError.unsupported("graph input '\(info.name)' is not a tensor")
            }
            let type: DataType
            switch info.elemType {
            case OnnxDataType.float: type = .float32
            // INT32 inputs (LSTM sequence_lens) are taken as int64: integers are stored as Int64 at run time anyway.
            case OnnxDataType.int64, OnnxDataType.int32: type = .int64
            default:
                throw EngineError.unsupported(
                    "graph input '\(info.name)' has element type \(OnnxDataType.name(info.elemType)); inputs must be float32, int64 or int32")
            }
            guard let declared = info.shape else {
                throw EngineError.invalidModel("graph input '\(info.name)' declares no shape; the engine needs at least its rank")
            }
            let index = inputs.count
            var shape: [DimRef] = []
            var signature: [Int] = []
            for (axis, dim) in declared.enumerated() {
                switch dim {
                case .value(let value):
                    // Far beyond any tensor that fits in memory; refusing it keeps shape arithmetic from overflowing.
                    guard value > 0, value < 1 << 40, let size = Int(exactly: value) else {
                        throw EngineError.invalidModel("graph input '\(info.name)' has dimension \(value) at axis \(axis)")
                    }
                    shape.append(builder.dims.constant(size))
                    signature.append(size)
                case .param, .unknown:
                    // A dim_param name is not trusted to mean "equal" across inputs (ONNX Runtime does not
                    // enforce it either): each dynamic dimension gets its own value, and any equality the graph
                    // needs becomes a run-time check where it is needed.
                    shape.append(builder.dims.input(index, axis: axis))
                    signature.append(-1)
                }
            }
            let tensor = builder.addTensor(name: info.name, type: type, shape: shape, storage: .input(index))
            if type == .int64, let values = builder.dims.constantValues(shape), let count = ElementCount.of(values), count <= 64 {
                inputValues[tensor] = (0..<count).map { builder.dims.inputValue(index, index: $0) }
            }
            values[info.name] = SymbolicValue(type: type, shape: shape, content: .tensor(tensor))
            inputs.append(PlanBinding(
                signature: TensorSignature(name: info.name, elementType: type.elementType!, shape: signature),
                tensor: tensor))
        }
    }

    private mutating func bindOutputs(_ graph: OnnxGraph) throws(EngineError) -> [PlanBinding] {
        guard !graph.outputs.isEmpty else { throw EngineError.invalidModel("the graph declares no outputs") }
        var bindings: [PlanBinding] = []
        for info in graph.outputs {
            guard var value = values[info.name] else {
                throw EngineError.invalidModel("graph output '\(info.name)' is not produced by any node, input or initializer")
            }
            var name = info.name
            if value.type == .int32 || value.type == .bool {
                // Only float32 and int64 cross the API: widen the shape-plumbing types.
                let origin = "graph output '\(info.name)'"
                value = try emit(.cast, origin: origin, inputs: [Operand(name, value)], outputs: [(.int64, value.shape)])[0]!
                name = synthesizedName(info.name + ":int64")
                values[name] = value
            }
            let tensor = materialize(Operand(name, value))
            let shape = value.shape.map { builder.dims.constantValue($0) ?? -1 }
            bindings.append(PlanBinding(
                signature: TensorSignature(name: info.name, elementType: value.type.elementType ?? .int64, shape: shape),
                tensor: tensor))
        }
        return bindings
    }

    package mutating func synthesizedName(_ base: String) -> String {
        syntheticCount += 1
        return "\(base)#\(syntheticCount)"
    }
}
