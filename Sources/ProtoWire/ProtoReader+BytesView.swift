extension ProtoReader {
    /// The bytes of a length-delimited field left where they are (in the reader's array, a mapped file or a
    /// network buffer) and kept alive by the view: how large `bytes` fields such as tensor data are read
    /// without a copy. Indices start at 0; `range` says where the bytes sit in the top-level buffer.
    public struct BytesView: Sendable, RandomAccessCollection, Equatable, ExpressibleByArrayLiteral {
        @usableFromInline let storage: Storage
        /// Absolute offsets in the top-level buffer (file offsets when the reader reads a mapped file).
        public let range: Range<Int>

        /// A view of a whole array (values built in memory); the array is shared, not copied.
        public init(_ bytes: [UInt8]) {
            storage = .array(bytes)
            range = 0..<bytes.count
        }

        /// A view of all the bytes `owner` keeps alive, e.g. a frame left in the buffer it arrived in.
        public init(owner: any ByteOwner) {
            storage = Storage(owner)
            range = 0..<storage.count
        }

        public init(arrayLiteral elements: UInt8...) {
            self.init(elements)
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

        /// Calls `body` with the bytes in place. For an owned buffer the pointer stays valid while the view
        /// lives; for an array only during the call. Inlinable, so that callers in other modules get it
        /// specialized: unspecialized, each call looked up generic metadata (about 1,500 instructions).
        @inlinable
        public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
            try storage.withBytes { (raw) throws(E) in try body(UnsafeRawBufferPointer(rebasing: raw[range])) }
        }

        /// Lets `Array(view)`, `append(contentsOf:)` and other generic algorithms copy with one `memcpy`
        /// instead of a subscript per byte.
        @inlinable
        public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
            try storage.withBytes { raw in
                try UnsafeRawBufferPointer(rebasing: raw[range]).withMemoryRebound(to: UInt8.self, body)
            }
        }

        /// `Array(view)` and `append(contentsOf:)` copy through this; without it they would go byte by byte.
        public func _copyContents(initializing target: UnsafeMutableBufferPointer<UInt8>) -> (Iterator, Int) {
            let copied = Swift.min(target.count, count)
            withUnsafeBytes { source in
                if copied > 0 {
                    UnsafeMutableRawBufferPointer(target).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[..<copied]))
                }
            }
            return (Iterator(view: self, position: copied), copied)
        }

        public func makeIterator() -> Iterator {
            Iterator(view: self, position: 0)
        }

        public struct Iterator: IteratorProtocol, Sendable {
            let view: BytesView
            var position: Int

            public mutating func next() -> UInt8? {
                guard position < view.count else { return nil }
                defer { position += 1 }
                return view[position]
            }
        }

        /// What keeps the bytes alive when they are not in an array (a mapped file, a frame buffer), else nil.
        public var owner: (any ByteOwner)? { storage.owner }

        /// Equal contents, wherever they live.
        public static func == (a: BytesView, b: BytesView) -> Bool {
            a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
        }
    }
}

extension ProtoReader {
    /// A top-level reader over a view's bytes. Offsets (in errors, fields and nested views) stay absolute in
    /// the view's buffer, so a view read from it shares that buffer too.
    public init(_ view: BytesView, limits: ProtoLimits = .default) {
        self.init(storage: view.storage, range: view.range, depth: 0, limits: limits)
    }
}
