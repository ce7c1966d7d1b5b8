/// Repeated scalars: each reader appends one unpacked element or a whole packed run, whichever the key
/// says, so both encodings of a field are accepted.
extension ProtoReader {
    /// Appends one element (unpacked) or a packed run of varints, decoded by `transform`.
    public mutating func readRepeatedVarint<T>(
        _ field: FieldTag, into array: inout [T], _ transform: (UInt64) -> T
    ) throws(ProtoDecodingError) {
        switch field.wireType {
        case .varint:
            array.append(transform(try readRawVarint()))
        case .lengthDelimited:
            let range = try readLengthDelimitedRange()
            // Every varint ends in exactly one byte with the top bit clear, so this counts the elements
            // (and never more than the bytes that are really there).
            let count = storage.withBytes { buffer in
                var count = 0
                for byte in UnsafeRawBufferPointer(rebasing: buffer[range]) where byte & 0x80 == 0 { count += 1 }
                return count
            }
            array.reserveForAppending(count)
            var sub = subReader(range, depth: depth)
            while !sub.isAtEnd {
                array.append(transform(try sub.readRawVarint()))
            }
        default:
            throw Self.wireTypeError(field, expected: .varint)
        }
    }

    /// Appends one fixed32 element or a packed run of them, decoded by `transform`.
    public mutating func readRepeatedFixed32<T>(
        _ field: FieldTag, into array: inout [T], _ transform: (UInt32) -> T
    ) throws(ProtoDecodingError) {
        try readRepeatedFixedWidth(field, into: &array, wireType: .fixed32, width: 4) {
            (reader: inout ProtoReader) throws(ProtoDecodingError) in transform(try reader.readRawFixed32())
        }
    }

    /// Appends one fixed64 element or a packed run of them, decoded by `transform`.
    public mutating func readRepeatedFixed64<T>(
        _ field: FieldTag, into array: inout [T], _ transform: (UInt64) -> T
    ) throws(ProtoDecodingError) {
        try readRepeatedFixedWidth(field, into: &array, wireType: .fixed64, width: 8) {
            (reader: inout ProtoReader) throws(ProtoDecodingError) in transform(try reader.readRawFixed64())
        }
    }

    /// The packed/unpacked logic shared by fixed32 and fixed64: a packed run's length must be a multiple of
    /// `width` before anything is reserved, and a bad length leaves the cursor where it was.
    private mutating func readRepeatedFixedWidth<T>(
        _ field: FieldTag, into array: inout [T], wireType: WireType, width: Int,
        _ readOne: (inout ProtoReader) throws(ProtoDecodingError) -> T
    ) throws(ProtoDecodingError) {
        switch field.wireType {
        case wireType:
            array.append(try readOne(&self))
        case .lengthDelimited:
            let start = position
            let range = try readLengthDelimitedRange()
            guard range.count % width == 0 else {
                position = start
                throw ProtoDecodingError(
                    .invalidPackedLength(length: range.count, elementSize: width), offset: start,
                    fieldNumber: field.number)
            }
            array.reserveForAppending(range.count / width)
            var sub = subReader(range, depth: depth)
            while !sub.isAtEnd { array.append(try readOne(&sub)) }
        default:
            throw Self.wireTypeError(field, expected: wireType)
        }
    }

    // MARK: Varint types

    public mutating func readRepeatedInt64(_ field: FieldTag, into array: inout [Int64]) throws(ProtoDecodingError) {
        try readRepeatedVarint(field, into: &array) { Int64(bitPattern: $0) }
    }

    public mutating func readRepeatedUInt64(_ field: FieldTag, into array: inout [UInt64]) throws(ProtoDecodingError) {
        try readRepeatedVarint(field, into: &array) { $0 }
    }

    public mutating func readRepeatedInt32(_ field: FieldTag, into array: inout [Int32]) throws(ProtoDecodingError) {
        try readRepeatedVarint(field, into: &array) { Int32(truncatingIfNeeded: $0) }
    }

    public mutating func readRepeatedUInt32(_ field: FieldTag, into array: inout [UInt32]) throws(ProtoDecodingError) {
        try readRepeatedVarint(field, into: &array) { UInt32(truncatingIfNeeded: $0) }
    }

    public mutating func readRepeatedSInt32(_ field: FieldTag, into array: inout [Int32]) throws(ProtoDecodingError) {
        try readRepeatedVarint(field, into: &array) { ZigZag.decode(UInt32(truncatingIfNeeded: $0)) }
    }

    public mutating func readRepeatedSInt64(_ field: FieldTag, into array: inout [Int64]) throws(ProtoDecodingError) {
        try readRepeatedVarint(field, into: &array) { ZigZag.decode($0) }
    }

    public mutating func readRepeatedBool(_ field: FieldTag, into array: inout [Bool]) throws(ProtoDecodingError) {
        try readRepeatedVarint(field, into: &array) { $0 != 0 }
    }

    /// Open enums: every int32 value is kept.
    public mutating func readRepeatedEnum(_ field: FieldTag, into array: inout [Int32]) throws(ProtoDecodingError) {
        try readRepeatedInt32(field, into: &array)
    }

    // MARK: Fixed-width types

    public mutating func readRepeatedFixed32(_ field: FieldTag, into array: inout [UInt32]) throws(ProtoDecodingError) {
        try readRepeatedFixed32(field, into: &array) { $0 }
    }

    public mutating func readRepeatedFixed64(_ field: FieldTag, into array: inout [UInt64]) throws(ProtoDecodingError) {
        try readRepeatedFixed64(field, into: &array) { $0 }
    }

    public mutating func readRepeatedSFixed32(_ field: FieldTag, into array: inout [Int32]) throws(ProtoDecodingError) {
        try readRepeatedFixed32(field, into: &array) { Int32(bitPattern: $0) }
    }

    public mutating func readRepeatedSFixed64(_ field: FieldTag, into array: inout [Int64]) throws(ProtoDecodingError) {
        try readRepeatedFixed64(field, into: &array) { Int64(bitPattern: $0) }
    }

    public mutating func readRepeatedFloat(_ field: FieldTag, into array: inout [Float]) throws(ProtoDecodingError) {
        try readRepeatedFixed32(field, into: &array) { Float(bitPattern: $0) }
    }

    public mutating func readRepeatedDouble(_ field: FieldTag, into array: inout [Double]) throws(ProtoDecodingError) {
        try readRepeatedFixed64(field, into: &array) { Double(bitPattern: $0) }
    }
}

extension Array {
    /// `reserveCapacity` grows to exactly what is asked, so calling it once per packed run would make a
    /// field split into many small runs cost quadratic time; grow at least geometrically instead.
    mutating func reserveForAppending(_ count: Int) {
        let needed = self.count + count
        if needed > capacity { reserveCapacity(Swift.max(needed, capacity * 2)) }
    }
}
