import Synchronization

/// A native plan mapped into memory and ready to run. Safe to share: concurrent `run` calls each take their
/// own arena from a small pool.
public final class LoadedModel: Sendable {
    package let prepared: PreparedPlan
    private let idleArenas: Mutex<[Arena]>
    /// Arenas kept for reuse; runs beyond this many at once allocate a fresh one and drop it afterwards.
    private static let maxIdleArenas = 8

    private init(_ prepared: PreparedPlan) {
        self.prepared = prepared
        idleArenas = Mutex([Arena(prepared)])
    }

    /// Maps and validates a `.maas` file. The weights stay in the mapping: loading costs no copy.
    public static func load(path: String) throws(EngineError) -> LoadedModel {
        try load(MappedFile(path: path))
    }

    /// Loads plan bytes held in memory (an aligned copy is made).
    package static func load(bytes: [UInt8]) throws(EngineError) -> LoadedModel {
        try load(MappedFile(copying: bytes))
    }

    private static func load(_ file: MappedFile) throws(EngineError) -> LoadedModel {
        LoadedModel(PreparedPlan(try PlanFile.load(file), file: file))
    }

    public var inputs: [TensorSignature] { prepared.plan.inputs.map(\.signature) }
    public var outputs: [TensorSignature] { prepared.plan.outputs.map(\.signature) }
    public var metadata: [String: String] { prepared.plan.metadata }

    /// Runs the model. Inputs are matched by name; a wrong name, element type or shape is `.invalidInput`.
    public func run(_ inputs: [String: HostTensor]) throws(EngineError) -> [String: HostTensor] {
        try run(inputs, rowLengths: nil)
    }

    /// Runs rows that were padded at the end of their sequences to a common length, `rowLengths[b]` being row
    /// b's own: every LSTM and GRU layer that has no `sequence_lens` input of its own, runs over that many
    /// steps and has one batch row per entry takes them as its `sequence_lens` (ONNX semantics: a row's
    /// final state is its last valid step's, its outputs past its length are zero). Other layers see the
    /// padding as data: whether the model's answers then equal each row's answer alone is for the caller
    /// to check (the server's batch probe does).
    public func run(_ inputs: [String: HostTensor], rowLengths: [Int]?) throws(EngineError) -> [String: HostTensor] {
        let arena = idleArenas.withLock { $0.popLast() } ?? Arena(prepared)
        defer {
            idleArenas.withLock { arenas in
                if arenas.count < Self.maxIdleArenas { arenas.append(arena) }
            }
        }
        return try arena.run(inputs, rowLengths: rowLengths)
    }
}
