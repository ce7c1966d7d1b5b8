/// Element types a model's inputs and outputs may have.
///
/// Internally the engine also tracks int32 and bool for the shape plumbing exporters emit, but those never
/// cross the API: int32/bool graph inputs or outputs are rejected at compile time.
public enum ElementType: String, Sendable {
    case float32
    case int64
}
