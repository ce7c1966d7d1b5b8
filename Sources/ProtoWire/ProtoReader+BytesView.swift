extension ProtoReader {
    /// The bytes of a length-delimited field left where they are (in the reader's array or mapped file)
    /// and kept alive by the view: how large `bytes` fields such as tensor data are read without a copy.
    /// Indices start at 0; `range` says where the bytes sit in the top-level buffer.
    public struct BytesView: Sendable, RandomAccessCollection, Equatable {
        let storage: Storage
        /// Absolute offsets in the top-level buffer (file offsets when the reader reads a mapped file).
        public let range: Range<Int>

        /// A view of a whole array (tests, and values built in memory).
        public init(_ bytes: [UInt8]) {
            storage = .array(bytes)
            range = 0..<bytes.count
        }

        init(storage: Storage, range: Range<Int>) {
            precondition(range.lowerBound >= 0 && range.upperBound <= storage.count, "view outside its buffer")
            self.storage = storage
            self.range = range
        }

        public var startIndex: Int { 0 }
        public var endIndex: Int { range.count }

        public subscript(position: Int) -> UInt8 {
            precondition(position >= 0 && position < range.count, "BytesView index out of range")
            return storage.withBytes { $0[range.lowerBound + position] }
        }

        /// Calls `body` with the bytes in place. For an owned (mapped) buffer the pointer stays valid while the
        /// view lives; for an array only during the call.
        public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            storage.withBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
        }

        /// What keeps the bytes alive when they are not in an array (e.g. the mapped file), else nil.
        public var owner: (any ByteOwner)? { storage.owner }

        /// Equal contents, wherever they live.
        public static func == (a: BytesView, b: BytesView) -> Bool {
            a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
        }
    }
}
