/// The contents of a plan's weight section: each constant at its 64-byte aligned offset, zeros between.
///
/// The constants are kept as the compiler left them (arrays, views into the ONNX mapping, packing recipes),
/// so the section exists as bytes only where it is written: straight into the plan file, a chunk at a time
/// (`PlanFile.write`), or into one buffer (`PlanFile.serialize`). Compiling a large model therefore never
/// holds its weights twice.
package struct WeightSection: Sendable {
    package struct Entry: Sendable {
        package var offset: Int
        package var constant: ConstantTensor
    }

    /// In offset order, none overlapping.
    package private(set) var entries: [Entry]
    /// Bytes in the section, a multiple of 64.
    package private(set) var length: Int

    /// Lays `constants` out in order, each at the next 64-byte aligned offset; `layout` says where.
    package init(_ constants: [ConstantTensor]) {
        var entries: [Entry] = []
        var size = 0
        for constant in constants {
            size = PlanFileLayout.aligned(size)
            entries.append(Entry(offset: size, constant: constant))
            size += constant.byteCount
        }
        self.entries = entries
        self.length = PlanFileLayout.aligned(size)
    }

    /// Where each constant is, for the plan header.
    package var layout: [PlanConstant] {
        entries.map { PlanConstant(offset: $0.offset, byteCount: $0.constant.byteCount) }
    }

    /// Writes the section's `length` bytes, gaps included, into `destination`.
    package func write(into destination: UnsafeMutableRawPointer) {
        var position = 0
        for entry in entries {
            (destination + position).initializeMemory(as: UInt8.self, repeating: 0, count: entry.offset - position)
            entry.constant.write(into: destination + entry.offset)
            position = entry.offset + entry.constant.byteCount
        }
        (destination + position).initializeMemory(as: UInt8.self, repeating: 0, count: length - position)
    }

    /// Hands the section's bytes to `consume` in order (gaps as zeros), a chunk at a time; stops at the first
    /// chunk `consume` refuses and returns false.
    package func forEachChunk(_ consume: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        var position = 0
        for entry in entries {
            guard Self.zeros(entry.offset - position, consume), entry.constant.forEachChunk(consume) else { return false }
            position = entry.offset + entry.constant.byteCount
        }
        return Self.zeros(length - position, consume)
    }

    /// Gaps are under 64 bytes: alignment padding.
    private static func zeros(_ count: Int, _ consume: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        guard count > 0 else { return true }
        let padding = [UInt8](repeating: 0, count: count)
        return padding.withUnsafeBytes { consume($0) }
    }
}
