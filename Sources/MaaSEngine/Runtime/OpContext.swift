/// What an op implementation sees of a run: every tensor's bytes and concrete shape, the evaluated dim
/// program, and the op's scratch space.
///
/// The executor's arena implements it for real runs; the compiler implements it over small arrays to fold
/// constant subgraphs with exactly the code that would have run them.
package protocol OpContext {
    func shape(_ tensor: Int) -> UnsafeBufferPointer<Int>
    func bytes(_ tensor: Int) -> UnsafeMutableRawPointer
    func type(_ tensor: Int) -> DataType
    func dim(_ ref: DimRef) -> Int
    /// Scratch reserved for the op being run (as many bytes as `OpScratch.byteCount` asked for).
    var scratch: UnsafeMutableRawPointer? { get }
    /// Each batch row's valid length when the caller padded rows of different lengths (see
    /// `LoadedModel.run(_:rowLengths:)`); nil otherwise.
    var rowLengths: [Int]? { get }
}

extension OpContext {
    package func floats(_ tensor: Int) -> UnsafeMutablePointer<Float> {
        bytes(tensor).assumingMemoryBound(to: Float.self)
    }

    package func ints(_ tensor: Int) -> UnsafeMutablePointer<Int64> {
        bytes(tensor).assumingMemoryBound(to: Int64.self)
    }

    package func count(_ tensor: Int) -> Int {
        shape(tensor).reduce(1, *)
    }

    package func shapeArray(_ tensor: Int) -> [Int] {
        Array(shape(tensor))
    }
}

/// Errors an op raises when a plan's shapes contradict what the op needs. A plan the compiler wrote never
/// triggers them; a damaged or hostile plan file does, and must get an error instead of a wild memory access.
package enum OpFailure {
    /// The product of sizes taken from different tensors, which a hostile plan could make overflow.
    package static func product(_ op: PlanOp, _ values: Int...) throws(EngineError) -> Int {
        var result = 1
        for value in values {
            let (product, overflow) = result.multipliedReportingOverflow(by: value)
            guard !overflow, value >= 0 else { throw inconsistent(op, "sizes overflow") }
            result = product
        }
        return result
    }

    package static func inconsistent(_ op: PlanOp, _ message: String) -> EngineError {
        EngineError.invalidModel("plan is inconsistent at \(op.origin) (\(op.kind.name)): \(message)")
    }
}
