/// Element types the engine tracks inside a graph.
///
/// int32 and bool exist only because exporters route shapes through them (`Cast(to: INT32)`, masks); at run
/// time every non-float type is stored as Int64, so kernels have exactly two storage layouts to handle.
package enum DataType: Int, Sendable, Hashable, CaseIterable {
    case float32 = 1
    case int64 = 2
    case int32 = 3
    case bool = 4

    package var isFloat: Bool { self == .float32 }

    /// Bytes per element in a run-time buffer (and in the plan's weight section).
    package var storageSize: Int { isFloat ? 4 : 8 }

    package var name: String {
        switch self {
        case .float32: "float32"
        case .int64: "int64"
        case .int32: "int32"
        case .bool: "bool"
        }
    }

    package var elementType: ElementType? {
        switch self {
        case .float32: .float32
        case .int64: .int64
        case .int32, .bool: nil
        }
    }

    package init(_ elementType: ElementType) {
        switch elementType {
        case .float32: self = .float32
        case .int64: self = .int64
        }
    }
}
