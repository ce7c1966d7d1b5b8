/// One tensor of a plan: its type, its shape as dim-program references, and where its bytes live.
package struct PlanTensor: Sendable, Equatable {
    package enum Storage: Sendable, Equatable {
        /// Graph input `index`: copied into the arena at the start of a run.
        case input(Int)
        /// Entry `index` of `Plan.constants`: bytes in the weight section, mapped, never copied.
        case constant(Int)
        /// Written by exactly one op into the run's arena.
        case computed
        /// The same bytes as an earlier tensor seen with another shape (Reshape, Squeeze, Flatten, Identity…).
        case alias(Int)
    }

    package var name: String
    package var type: DataType
    package var shape: [DimRef]
    package var storage: Storage

    package init(name: String, type: DataType, shape: [DimRef], storage: Storage) {
        self.name = name
        self.type = type
        self.shape = shape
        self.storage = storage
    }

    package var rank: Int { shape.count }
}

/// Where a constant's bytes are inside the weight section (offsets are multiples of 64).
package struct PlanConstant: Sendable, Equatable {
    package var offset: Int
    package var byteCount: Int

    package init(offset: Int, byteCount: Int) {
        self.offset = offset
        self.byteCount = byteCount
    }
}

/// A graph input or output: the public signature plus the tensor that carries it.
package struct PlanBinding: Sendable, Equatable {
    package var signature: TensorSignature
    package var tensor: Int

    package init(signature: TensorSignature, tensor: Int) {
        self.signature = signature
        self.tensor = tensor
    }
}
