import MaaSTestSupport
import ProtoWire
import Testing

@Suite("ProtoReader")
struct ProtoReaderTests {
    static let varints: [(bytes: String, value: UInt64)] = [
        ("00", 0), ("01", 1), ("7f", 127), ("80 01", 128), ("96 01", 150), ("ff 7f", 16383), ("80 80 01", 16384),
        ("ff ff ff ff 0f", 0xFFFF_FFFF), ("ff ff ff ff ff ff ff ff 7f", UInt64(Int64.max)),
        ("80 80 80 80 80 80 80 80 80 01", 1 << 63), ("ff ff ff ff ff ff ff ff ff 01", .max),
        // Non-minimal encodings are valid protobuf; Google's parsers accept them too.
        ("80 00", 0), ("ff 80 80 80 80 80 80 80 80 00", 127),
    ]

    @Test("reads varints up to 10 bytes", arguments: varints)
    func readsVarints(_ varint: (bytes: String, value: UInt64)) throws {
        var reader = ProtoReader(hex(varint.bytes))
        #expect(try reader.readRawVarint() == varint.value)
        #expect(reader.isAtEnd)
    }

    /// `readString` takes ASCII without the standard library's validation; every other string goes through it.
    /// Both must agree with `String(validating:as:)` on every input, above all around 0x7F/0x80.
    @Test("a string field decodes exactly as String(validating:) would: every 1- and 2-byte value, and random ones")
    func stringsAgreeWithValidation() throws {
        func check(_ payload: [UInt8]) throws {
            var reader = ProtoReader([0x0A, UInt8(payload.count)] + payload)
            let field = try #require(try reader.nextField())
            let expected = String(validating: payload, as: UTF8.self)
            let decoded = try? reader.readString(field)
            #expect(decoded == expected, "differs for \(payload)")
            if let decoded { #expect(Array(decoded.utf8) == payload) }
        }
        for first in 0...255 {
            try check([UInt8(first)])
            for second in 0...255 { try check([UInt8(first), UInt8(second)]) }
        }
        var random = SplitMix64(seed: 0x5171_C0DE)
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let length = Int(random.next() % 9)
            try check((0..<length).map { _ in
                random.next() % 2 == 0 ? interesting[Int(random.next() % UInt64(interesting.count))] : UInt8(truncatingIfNeeded: random.next())
            })
        }
    }

    @Test("does not move the cursor when a value fails")
    func cursorStaysOnFailure() throws {
        var reader = ProtoReader(hex("05 61 62"))
        #expect(throws: ProtoDecodingError.self) { try reader.readLengthDelimitedRange() }
        #expect(reader.offset == 0)
        #expect(throws: ProtoDecodingError.self) { try reader.readRawFixed64() }
        #expect(reader.offset == 0)
    }

    @Test("skips unknown fields of every wire type between known ones")
    func skipsUnknownFields() throws {
        let bytes = hex(
            "88 01 96 01"  // 17 varint 150
                + "08 05"  // f_int32 = 5
                + "91 01 01 02 03 04 05 06 07 08"  // 18 fixed64
                // 19 length-delimited: its content is never parsed, so bad keys and bad UTF-8 inside are fine
                + "9a 01 04 0f 0e ff c3"
                + "a5 01 01 02 03 04"  // 20 fixed32
                + "7a 01 78"  // f_string = "x"
                + "a8 01 ff ff ff ff ff ff ff ff ff 01"  // 21 varint of 10 bytes
                + "f2 ff ff ff 0f 00"  // field 2^29 - 2, empty length-delimited
        )
        var expected = AllTypes()
        expected.int32 = 5
        expected.string = "x"
        #expect(try AllTypes(serializedBytes: bytes) == expected)
    }

    @Test("accepts packed and unpacked elements of the same field and concatenates them")
    func mixesPackedAndUnpacked() throws {
        // packed_int32: packed [1, 2], then unpacked 3, then packed [-1]; unpacked_double: packed [1.0], unpacked 2.0
        let bytes = hex(
            "fa 01 02 01 02" + "f8 01 03" + "fa 01 0a ff ff ff ff ff ff ff ff ff 01"
                + "82 04 08 00 00 00 00 00 00 f0 3f" + "81 04 00 00 00 00 00 00 00 40")
        let message = try AllTypes(serializedBytes: bytes)
        #expect(message.packed.int32 == [1, 2, 3, -1])
        #expect(message.unpacked.double == [1.0, 2.0])
    }

    @Test("accepts an empty packed run")
    func emptyPackedRun() throws {
        #expect(try AllTypes(serializedBytes: hex("fa 01 00 ba 02 00")) == AllTypes())
    }

    @Test("merges a repeated singular message field, as Google's parsers do")
    func mergesRepeatedMessageField() throws {
        // nested { value: 1 marks: [1] } then nested { note: "x" marks: [2] child { value: 3 } }
        let bytes = hex("82 05 05 08 01 22 01 02" + "82 05 0a 12 01 78 22 01 04 1a 02 08 03")
        let message = try AllTypes(serializedBytes: bytes)
        #expect(message.nested == Nested(value: 1, note: "x", child: Nested(value: 3), marks: [1, 2]))
    }

    @Test("keeps the last value of a repeated scalar field and the last oneof member")
    func lastScalarWins() throws {
        let message = try AllTypes(serializedBytes: hex("08 01 08 02" + "f8 06 05" + "8a 07 01 61"))
        #expect(message.int32 == 2)
        #expect(message.choice == .string("a"))
    }

    @Test("keeps the last value of a repeated map key")
    func lastMapValueWins() throws {
        let message = try AllTypes(serializedBytes: hex("b2 04 06 0a 01 6b 12 01 31" + "b2 04 06 0a 01 6b 12 01 32"))
        #expect(message.labels == ["k": "2"])
    }

    @Test("reads a map entry with the key or value absent as empty")
    func mapEntryDefaults() throws {
        let message = try AllTypes(serializedBytes: hex("b2 04 03 12 01 76" + "b2 04 03 0a 01 6b"))
        #expect(message.labels == ["": "v", "k": ""])
    }

    @Test("keeps out-of-range int32 bits the way Google truncates them")
    func truncatesWideInt32() throws {
        // f_int32 = 2^32 + 5 on the wire (a sloppy encoder), read as 5; uint32 likewise
        let message = try AllTypes(serializedBytes: hex("08 85 80 80 80 10" + "18 85 80 80 80 10"))
        #expect(message.int32 == 5)
        #expect(message.uint32 == 5)
    }

    @Test("decodes a chain exactly at the depth limit")
    func depthAtLimit() throws {
        var message = AllTypes()
        message.nested = Nested.chain(depth: 63, leaf: 7)  // 64 levels of embedding below AllTypes
        let decoded = try AllTypes(serializedBytes: message.serializedBytes())
        #expect(decoded == message)
    }

    @Test("stops a 100 000-level depth bomb at the limit, naming the whole path")
    func depthBomb() throws {
        let levels = 100_000
        // Built back to front so each level's length prefix covers everything inside it. Level 0 is the
        // innermost Nested.child; level `levels - 1` is AllTypes.nested.
        var reversed: [UInt8] = [0x01, 0x08]  // innermost Nested { value: 1 }
        var keyOffsetFromEnd: [Int] = []
        for level in 0..<levels {
            var prefix = ProtoWriter()
            prefix.writeTag(level == levels - 1 ? 80 : 3, .lengthDelimited)
            prefix.writeRawVarint(UInt64(reversed.count))
            reversed.append(contentsOf: prefix.bytes.reversed())
            keyOffsetFromEnd.append(reversed.count)
        }
        let bytes = Array(reversed.reversed())
        // The reader at depth k reads level `levels - 1 - k`; depth 64 is refused.
        let expectedOffset = bytes.count - keyOffsetFromEnd[levels - 1 - 64]

        let error = #expect(throws: ProtoDecodingError.self) { try AllTypes(serializedBytes: bytes) }
        #expect(error?.kind == .tooDeep(limit: 64))
        #expect(error?.offset == expectedOffset)
        #expect(error?.path == ["AllTypes", "nested"] + Array(repeating: "child", count: 64))
    }
}
