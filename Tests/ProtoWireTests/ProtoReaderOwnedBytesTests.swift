import Glibc
import ProtoWire
import Testing
import MaaSTestSupport

/// Bytes placed so that they end exactly where an inaccessible page begins: a reader that looked one byte
/// past them would crash the test run instead of passing by luck.
final class GuardedBytes: ProtoReader.ByteOwner, @unchecked Sendable {
    // @unchecked: the mapping is written once in init and only read afterwards.
    private let mapping: UnsafeMutableRawPointer
    private let mappingSize: Int
    let bytes: UnsafeRawBufferPointer

    init(_ contents: [UInt8]) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let dataPages = (contents.count + page - 1) / page
        mappingSize = (dataPages + 1) * page
        let address = mmap(nil, mappingSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        precondition(address != MAP_FAILED, "cannot map test memory")
        mapping = address
        precondition(mprotect(address + dataPages * page, page, PROT_NONE) == 0, "cannot protect the guard page")
        let start = address + dataPages * page - contents.count
        contents.withUnsafeBytes { if let base = $0.baseAddress { start.copyMemory(from: base, byteCount: $0.count) } }
        bytes = UnsafeRawBufferPointer(start: start, count: contents.count)
    }

    deinit {
        munmap(mapping, mappingSize)
    }
}

/// What decoding produced, comparable between the two kinds of storage.
private enum Outcome: Equatable {
    case value(AllTypes)
    case failure(ProtoDecodingError.Kind, offset: Int, field: Int?, path: [String])

    init(_ decode: () throws(ProtoDecodingError) -> AllTypes) {
        do {
            self = .value(try decode())
        } catch {
            self = .failure(error.kind, offset: error.offset, field: error.fieldNumber, path: error.path)
        }
    }

    static func fromArray(_ bytes: [UInt8], limits: ProtoLimits = .default) -> Outcome {
        Outcome { () throws(ProtoDecodingError) in
            var reader = ProtoReader(bytes, limits: limits)
            return try AllTypes(from: &reader)
        }
    }

    static func fromOwner(_ bytes: [UInt8], limits: ProtoLimits = .default) -> Outcome {
        let owner = GuardedBytes(bytes)
        return Outcome { () throws(ProtoDecodingError) in
            var reader = ProtoReader(owner: owner, limits: limits)
            return try AllTypes(from: &reader)
        }
    }
}

@Suite("ProtoReader over owned bytes")
struct ProtoReaderOwnedBytesTests {
    @Test("decodes Google's bytes to the same value as from an array", arguments: GoldenCases.all)
    func decodesGoldens(_ golden: GoldenCase) throws {
        let bytes = try Fixtures.golden(golden.name)
        #expect(Outcome.fromOwner(bytes) == .value(golden.value))
    }

    /// The whole-message size limit belongs to `init(serializedBytes:)`, which the owner's user applies
    /// itself; every other case must fail at the same place and in the same way as from an array.
    @Test("rejects hostile input with the same error, without reading past the bytes", arguments: MalformedInputTests.cases)
    func rejectsLikeArrays(_ bad: MalformedCase) {
        let owned = Outcome.fromOwner(bad.bytes, limits: bad.limits)
        #expect(owned == Outcome.fromArray(bad.bytes, limits: bad.limits))
        guard case .failure = owned else {
            Issue.record("\(bad.name) decoded")
            return
        }
    }

    @Test("mutated golden messages decode or fail exactly as from an array", arguments: GoldenCases.all)
    func mutatedGoldens(_ golden: GoldenCase) throws {
        let original = try Fixtures.golden(golden.name)
        var random = SplitMix64(seed: UInt64(truncatingIfNeeded: golden.name.hashValueStable) ^ 0x0A11)
        for _ in 0..<60 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                RandomInputTests.mutate(&bytes, using: &random)
            }
            #expect(Outcome.fromOwner(bytes) == Outcome.fromArray(bytes), "differs for \(hex(bytes))")
        }
    }

    @Test("a bytes view stays in the owner's memory; a slice from owned bytes is a copy with the same contents")
    func views() throws {
        // f_string "hi" then f_bytes (16) 01 02 03.
        let message: [UInt8] = [0x7A, 0x02, 0x68, 0x69, 0x82, 0x01, 0x03, 0x01, 0x02, 0x03]
        let owner = GuardedBytes(message)
        var reader = ProtoReader(owner: owner)
        let text = try #require(try reader.nextField())
        #expect(try reader.readString(text) == "hi")
        let field = try #require(try reader.nextField())
        var again = reader
        let view = try reader.readBytesView(field)
        #expect(reader.isAtEnd)
        #expect(Array(view) == [1, 2, 3])
        #expect(view.range == 7..<10)
        #expect(view.owner === owner)
        view.withUnsafeBytes { #expect($0.baseAddress == owner.bytes.baseAddress! + 7) }
        #expect(view == ProtoReader.BytesView([1, 2, 3]))
        #expect(view != ProtoReader.BytesView([1, 2, 4]))
        #expect(Array(try again.readBytesSlice(field)) == [1, 2, 3])
        #expect(ProtoReader.BytesView([1, 2, 3]).owner == nil)
    }

    @Test("a bytes view of an array reader shares the array and keeps its offsets")
    func arrayViews() throws {
        var reader = ProtoReader([0x82, 0x01, 0x02, 0xAA, 0xBB])
        let field = try #require(try reader.nextField())
        let view = try reader.readBytesView(field)
        #expect(Array(view) == [0xAA, 0xBB])
        #expect(view.range == 3..<5)
        #expect(view.count == 2)
    }
}
