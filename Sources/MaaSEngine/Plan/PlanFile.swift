import Glibc

/// Writing and reading whole `.maas` files (layout in `PlanFileLayout`).
package enum PlanFile {
    package static func serialize(_ compiled: CompiledPlan) -> [UInt8] {
        let header = PlanHeaderCodec.encode(compiled.plan)
        let weightsOffset = PlanFileLayout.aligned(PlanFileLayout.preambleSize + header.count)
        let preamble = PlanFileLayout.Preamble(
            version: PlanFileLayout.formatVersion, headerChecksum: CRC32.checksum(header), headerLength: header.count,
            weightsOffset: weightsOffset, weightsLength: compiled.weights.count)
        var bytes = preamble.encoded()
        bytes.reserveCapacity(weightsOffset + compiled.weights.count)
        bytes += header
        bytes += [UInt8](repeating: 0, count: weightsOffset - bytes.count)
        bytes += compiled.weights
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

    /// Writes `bytes` to `path` (created or truncated) and fsyncs it before returning.
    package static func write(_ bytes: [UInt8], to path: String) throws(EngineError) {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SystemError.engineError("cannot create '\(path)'") }
        var failure: EngineError? = nil
        bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let result = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = SystemError.engineError("cannot write '\(path)'")
                    return
                }
                written += result
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = SystemError.engineError("cannot fsync '\(path)'") }
        if Glibc.close(fd) != 0, failure == nil { failure = SystemError.engineError("cannot close '\(path)'") }
        if let failure { throw failure }
    }
}
