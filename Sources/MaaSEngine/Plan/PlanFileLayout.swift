/// The fixed 64-byte preamble of a `.maas` plan file.
///
/// ```
/// offset size
///      0    8  magic "MAASPLAN"
///      8    4  format version (UInt32 LE)
///     12    4  CRC-32 of the header bytes (UInt32 LE)
///     16    8  header length (UInt64 LE); the header starts at byte 64
///     24    8  weight section offset (UInt64 LE), a multiple of 64
///     32    8  weight section length (UInt64 LE); the file ends exactly there
///     40   24  zero
/// ```
/// The header is a protobuf `PlanHeader` message (see `PlanHeaderCodec`); the weight section holds every
/// constant tensor, each at a 64-byte aligned offset, little-endian float32 or int64. The file is mapped, so
/// the weights are used in place.
///
/// Recurrent and BatchNormalization weights are stored as the kernels' `pack…` functions lay them out, so a
/// change to one of those layouts is a change of this file format: bump `formatVersion` with it (old files are
/// then refused with a clear message instead of being run with misread weights).
package enum PlanFileLayout {
    package static let magic: [UInt8] = Array("MAASPLAN".utf8)
    package static let formatVersion: UInt32 = 1
    package static let preambleSize = 64
    package static let alignment = 64
    /// A header this large is not a plan we wrote (ours are kilobytes); refusing early bounds what a hostile
    /// file can make the loader allocate.
    package static let maxHeaderLength = 64 << 20

    package static func aligned(_ offset: Int) -> Int {
        (offset + alignment - 1) / alignment * alignment
    }

    /// The preamble fields.
    package struct Preamble: Sendable, Equatable {
        package var version: UInt32
        package var headerChecksum: UInt32
        package var headerLength: Int
        package var weightsOffset: Int
        package var weightsLength: Int

        package init(version: UInt32, headerChecksum: UInt32, headerLength: Int, weightsOffset: Int, weightsLength: Int) {
            self.version = version
            self.headerChecksum = headerChecksum
            self.headerLength = headerLength
            self.weightsOffset = weightsOffset
            self.weightsLength = weightsLength
        }

        package func encoded() -> [UInt8] {
            var bytes = magic
            append(&bytes, UInt64(version) | UInt64(headerChecksum) << 32)
            append(&bytes, UInt64(headerLength))
            append(&bytes, UInt64(weightsOffset))
            append(&bytes, UInt64(weightsLength))
            bytes.append(contentsOf: [UInt8](repeating: 0, count: preambleSize - bytes.count))
            return bytes
        }

        private func append(_ bytes: inout [UInt8], _ value: UInt64) {
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
        }

        /// Reads and checks the preamble of a file of `fileSize` bytes whose first 64 bytes are `bytes`.
        package static func decode(_ bytes: UnsafeRawBufferPointer, fileSize: Int) throws(EngineError) -> Preamble {
            guard fileSize >= preambleSize, bytes.count >= preambleSize else {
                throw EngineError.invalidModel("plan file is \(fileSize) bytes, shorter than its 64-byte preamble")
            }
            guard bytes.prefix(8).elementsEqual(magic) else {
                throw EngineError.invalidModel("not a maas plan file (bad magic)")
            }
            func word(_ offset: Int) -> UInt64 {
                var value: UInt64 = 0
                for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
                return value
            }
            let version = UInt32(truncatingIfNeeded: word(8))
            let checksum = UInt32(truncatingIfNeeded: word(8) >> 32)
            guard version == formatVersion else {
                throw EngineError.invalidModel("plan file format version \(version) is not supported (this engine reads \(formatVersion))")
            }
            let headerLength = word(16), weightsOffset = word(24), weightsLength = word(32)
            guard headerLength <= UInt64(maxHeaderLength), headerLength <= UInt64(fileSize - preambleSize) else {
                throw EngineError.invalidModel("plan header length \(headerLength) does not fit the \(fileSize)-byte file")
            }
            guard weightsOffset % UInt64(alignment) == 0, weightsOffset >= UInt64(preambleSize) + headerLength,
                weightsOffset <= UInt64(fileSize), weightsLength == UInt64(fileSize) - weightsOffset
            else {
                throw EngineError.invalidModel(
                    "plan weight section (offset \(weightsOffset), length \(weightsLength)) does not match the \(fileSize)-byte file")
            }
            guard bytes[40..<64].allSatisfy({ $0 == 0 }) else {
                throw EngineError.invalidModel("plan preamble has non-zero reserved bytes")
            }
            return Preamble(
                version: version, headerChecksum: checksum, headerLength: Int(headerLength),
                weightsOffset: Int(weightsOffset), weightsLength: Int(weightsLength))
        }
    }
}
