extension ProtoReader {
    /// Where a reader's bytes live: a Swift array, or memory a `ByteOwner` keeps alive.
    ///
    /// `@unchecked Sendable`: the buffer pointer of `.owned` is immutable memory kept valid by its (Sendable)
    /// owner, so sharing it across threads is as safe as sharing the array.
    @usableFromInline
    enum Storage: @unchecked Sendable {
        case array([UInt8])
        case owned(any ByteOwner, UnsafeRawBufferPointer)

        init(_ owner: any ByteOwner) {
            self = .owned(owner, owner.bytes)
        }

        var count: Int {
            switch self {
            case .array(let bytes): bytes.count
            case .owned(_, let raw): raw.count
            }
        }

        /// Calls `body` with all the bytes. Readers index the pointer only below their `end`, which never
        /// exceeds `count` (checked where a reader is made), so these reads stay inside the buffer.
        @inlinable @inline(__always)
        func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
            switch self {
            case .array(let bytes): try bytes.withUnsafeBufferPointer { (buffer) throws(E) in try body(UnsafeRawBufferPointer(buffer)) }
            case .owned(_, let raw): try body(raw)
            }
        }

        /// A copy of `range`, except for an array, whose slice shares the array's storage.
        func slice(_ range: Range<Int>) -> ArraySlice<UInt8> {
            switch self {
            case .array(let bytes): bytes[range]
            case .owned(_, let raw): ArraySlice(UnsafeRawBufferPointer(rebasing: raw[range]))
            }
        }

        /// A new array holding `range`.
        func copy(_ range: Range<Int>) -> [UInt8] {
            switch self {
            case .array(let bytes): Array(bytes[range])
            case .owned(_, let raw): Array(UnsafeRawBufferPointer(rebasing: raw[range]))
            }
        }

        var owner: (any ByteOwner)? {
            if case .owned(let owner, _) = self { return owner }
            return nil
        }
    }
}
