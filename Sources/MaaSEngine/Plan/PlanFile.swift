import Glibc

/// Writing and reading whole `.maas` files (layout in `PlanFileLayout`).
package enum PlanFile {
    /// The file's bytes in memory: preamble, header, padding, weight section.
    package static func serialize(_ compiled: CompiledPlan) -> [UInt8] {
        let head = headBytes(compiled.plan, weightsLength: compiled.weights.length)
        return [UInt8](unsafeUninitializedCapacity: head.count + compiled.weights.length) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            head.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            compiled.weights.write(into: base + head.count)
            initialized = buffer.count
        }
    }

    /// Preamble, header and the zeros up to the weight section's aligned offset.
    private static func headBytes(_ plan: Plan, weightsLength: Int) -> [UInt8] {
        let header = PlanHeaderCodec.encode(plan)
        let weightsOffset = PlanFileLayout.aligned(PlanFileLayout.preambleSize + header.count)
        let preamble = PlanFileLayout.Preamble(
            version: PlanFileLayout.formatVersion, headerChecksum: CRC32.checksum(header), headerLength: header.count,
            weightsOffset: weightsOffset, weightsLength: weightsLength)
        var bytes = preamble.encoded()
        bytes.reserveCapacity(weightsOffset)
        bytes += header
        bytes += [UInt8](repeating: 0, count: weightsOffset - bytes.count)
        return bytes
    }

    /// A plan read from mapped bytes: validated, with its weight section still inside the mapping.
    package struct Loaded {
        package var plan: Plan
        package var weightsOffset: Int
    }

    package static func load(_ file: MappedFile) throws(EngineError) -> Loaded {
        let bytes = file.bytes
        let preamble = try PlanFileLayout.Preamble.decode(
            UnsafeRawBufferPointer(rebasing: bytes.prefix(PlanFileLayout.preambleSize)), fileSize: file.count)
        let header = Array(bytes[PlanFileLayout.preambleSize..<(PlanFileLayout.preambleSize + preamble.headerLength)])
        guard CRC32.checksum(header) == preamble.headerChecksum else {
            throw EngineError.invalidModel("plan header checksum does not match: the file is damaged")
        }
        let plan = try PlanHeaderCodec.decode(header)
        try PlanValidator.validate(plan, weightsLength: preamble.weightsLength)
        return Loaded(plan: plan, weightsOffset: preamble.weightsOffset)
    }

    /// Writes the plan file to `path` (created or truncated) and fsyncs it before returning. The weight
    /// section streams out a chunk at a time, straight from where the weights are (the ONNX mapping, packing
    /// recipes): the file is never assembled in memory.
    package static func write(_ compiled: CompiledPlan, to path: String) throws(EngineError) {
        let file = try OutputFile(creating: path)
        let head = headBytes(compiled.plan, weightsLength: compiled.weights.length)
        var failure: EngineError? = head.withUnsafeBytes { file.write($0) }
        if failure == nil {
            _ = compiled.weights.forEachChunk { chunk in
                failure = file.write(chunk)
                return failure == nil
            }
        }
        if let failure = failure ?? file.finish() { throw failure }
    }

    /// Writes `bytes` to `path` (created or truncated) and fsyncs it before returning.
    package static func write(_ bytes: [UInt8], to path: String) throws(EngineError) {
        let file = try OutputFile(creating: path)
        if let failure = bytes.withUnsafeBytes({ file.write($0) }) ?? file.finish() { throw failure }
    }
}
