import MaaSEngine
import MaaSProtocol

/// Conversions between the wire's tensors and specs and the engine's.
enum TensorConversion {
    static func dataType(_ type: ElementType) -> MaaSProtocol.DataType {
        switch type {
        case .float32: .float32
        case .int64: .int64
        }
    }

    static func spec(_ signature: TensorSignature) -> TensorSpec {
        TensorSpec(name: signature.name, dtype: dataType(signature.elementType), shape: signature.shape.map(Int64.init))
    }

    static func wireTensor(_ tensor: HostTensor) -> Tensor {
        switch tensor.storage {
        case .float32(let values): Tensor(shape: tensor.shape, floats: values)
        case .int64(let values): Tensor(shape: tensor.shape, int64s: values)
        }
    }

    /// A request tensor already checked by `PredictInputs` (dtype known, raw_data length matching the shape).
    static func hostTensor(_ tensor: Tensor) -> HostTensor {
        let shape = tensor.shape.map { Int($0) }
        switch tensor.dtype {
        case .int64: return HostTensor(shape: shape, int64s: tensor.int64Values())
        case .float32, .unspecified: return HostTensor(shape: shape, floats: tensor.floatValues())
        }
    }
}
