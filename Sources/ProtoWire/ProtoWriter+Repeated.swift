/// Repeated fields and maps. Scalars are always written packed, as proto3 does by default; a field
/// declared `[packed = false]` is written with `writeTag` and the raw writers, one key per element.
extension ProtoWriter {
    public mutating func writePacked(_ number: Int, int64 values: [Int64]) {
        writePackedVarints(number, values) { UInt64(bitPattern: $0) }
    }

    public mutating func writePacked(_ number: Int, uint64 values: [UInt64]) {
        writePackedVarints(number, values) { $0 }
    }

    /// Negative elements take 10 bytes each, like singular int32.
    public mutating func writePacked(_ number: Int, int32 values: [Int32]) {
        writePackedVarints(number, values) { UInt64(bitPattern: Int64($0)) }
    }

    public mutating func writePacked(_ number: Int, uint32 values: [UInt32]) {
        writePackedVarints(number, values) { UInt64($0) }
    }

    public mutating func writePacked(_ number: Int, sint32 values: [Int32]) {
        writePackedVarints(number, values) { UInt64(ZigZag.encode($0)) }
    }

    public mutating func writePacked(_ number: Int, sint64 values: [Int64]) {
        writePackedVarints(number, values) { ZigZag.encode($0) }
    }

    public mutating func writePacked(_ number: Int, bool values: [Bool]) {
        writePackedVarints(number, values) { $0 ? 1 : 0 }
    }

    public mutating func writePacked(_ number: Int, enum values: [Int32]) {
        writePacked(number, int32: values)
    }

    private mutating func writePackedVarints<T>(_ number: Int, _ values: [T], _ raw: (T) -> UInt64) {
        guard !values.isEmpty else { return }
        var length = 0
        for value in values { length += Self.varintSize(raw(value)) }
        writeTag(number, .lengthDelimited)
        writeRawVarint(UInt64(length))
        for value in values { writeRawVarint(raw(value)) }
    }

    public mutating func writePacked(_ number: Int, fixed32 values: [UInt32]) {
        writePackedFixed32(number, values) { $0 }
    }

    public mutating func writePacked(_ number: Int, sfixed32 values: [Int32]) {
        writePackedFixed32(number, values) { UInt32(bitPattern: $0) }
    }

    public mutating func writePacked(_ number: Int, float values: [Float]) {
        writePackedFixed32(number, values) { $0.bitPattern }
    }

    public mutating func writePacked(_ number: Int, fixed64 values: [UInt64]) {
        writePackedFixed64(number, values) { $0 }
    }

    public mutating func writePacked(_ number: Int, sfixed64 values: [Int64]) {
        writePackedFixed64(number, values) { UInt64(bitPattern: $0) }
    }

    public mutating func writePacked(_ number: Int, double values: [Double]) {
        writePackedFixed64(number, values) { $0.bitPattern }
    }

    private mutating func writePackedFixed32<T>(_ number: Int, _ values: [T], _ raw: (T) -> UInt32) {
        guard !values.isEmpty else { return }
        writeTag(number, .lengthDelimited)
        writeRawVarint(UInt64(values.count * 4))
        for value in values { writeRawFixed32(raw(value)) }
    }

    private mutating func writePackedFixed64<T>(_ number: Int, _ values: [T], _ raw: (T) -> UInt64) {
        guard !values.isEmpty else { return }
        writeTag(number, .lengthDelimited)
        writeRawVarint(UInt64(values.count * 8))
        for value in values { writeRawFixed64(raw(value)) }
    }

    // MARK: Length-delimited elements

    /// Every element is written, empty strings included.
    public mutating func write(_ number: Int, strings values: [String]) {
        for value in values { writeLengthDelimited(number, value.utf8) }
    }

    public mutating func write(_ number: Int, bytesList values: [[UInt8]]) {
        for value in values { writeLengthDelimited(number, value) }
    }

    public mutating func write<M: ProtoMessage>(_ number: Int, messages values: [M]) {
        for value in values { writeMessage(number, value) }
    }

    /// `map<string,string>`: one entry message per key, keys in byte order.
    ///
    /// Google writes an entry's key and value even when they are empty (an entry is not a proto3
    /// message with implicit presence), so they are written here too.
    public mutating func write(_ number: Int, stringMap map: [String: String]) {
        let keys = map.keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        for key in keys {
            let value = Array(map[String(decoding: key, as: UTF8.self)]!.utf8)
            var entry = ProtoWriter(reservingCapacity: key.count + value.count + 12)
            entry.writeLengthDelimited(1, key)
            entry.writeLengthDelimited(2, value)
            writeLengthDelimited(number, entry.bytes)
        }
    }
}
