import ProtoWire
import Testing

@Suite("ProtoWriter")
struct ProtoWriterTests {
    @Test("varintSize matches what writeRawVarint writes", arguments: [
        0, 1, 127, 128, 16383, 16384, UInt64(UInt32.max), UInt64(Int64.max), 1 << 63, .max,
    ] as [UInt64])
    func varintSize(_ value: UInt64) throws {
        var writer = ProtoWriter()
        writer.writeRawVarint(value)
        #expect(writer.bytes.count == ProtoWriter.varintSize(value))
        var reader = ProtoReader(writer.bytes)
        #expect(try reader.readRawVarint() == value)
    }

    @Test("writes a 5-byte key for the largest field number")
    func largestKey() {
        var writer = ProtoWriter()
        writer.writeTag(FieldTag.maxFieldNumber, .fixed32)
        #expect(writer.bytes == hex("fd ff ff ff 0f"))
    }

    @Test("omits proto3 defaults but keeps -0.0 and NaN, whose bits are not zero")
    func omitsDefaults() {
        var writer = ProtoWriter()
        writer.write(1, int32: 0)
        writer.write(2, uint64: 0)
        writer.write(3, sint64: 0)
        writer.write(4, bool: false)
        writer.write(5, string: "")
        writer.write(6, bytes: [UInt8]())
        writer.write(7, float: 0)
        writer.write(8, double: 0)
        writer.writePacked(9, int64: [])
        writer.write(10, stringMap: [:])
        #expect(writer.bytes.isEmpty)
        writer.write(11, float: -0.0)
        writer.write(12, double: .nan)
        #expect(writer.bytes == hex("5d 00 00 00 80" + "61 00 00 00 00 00 00 f8 7f"))
    }

    @Test("writes length-delimited fields with presence even when empty")
    func presence() {
        var writer = ProtoWriter()
        writer.writeLengthDelimited(1, [UInt8]())
        writer.writeMessage(2, Nested())
        writer.write(3, strings: [""])
        #expect(writer.bytes == hex("0a 00 12 00 1a 00"))
    }

    @Test("orders map keys by their UTF-8 bytes, a prefix before its extensions")
    func mapOrder() {
        // U+00E9 (c3 a9) sorts after "z" by bytes; "" before "a" before "ab".
        var writer = ProtoWriter()
        writer.write(1, stringMap: ["\u{e9}": "", "z": "", "ab": "", "a": "", "": ""])
        var reader = ProtoReader(writer.bytes)
        var keys: [String] = []
        while let field = try? reader.nextField() {
            guard let entry = try? reader.readStringMapEntry(field) else { break }
            keys.append(entry.key)
        }
        #expect(keys == ["", "a", "ab", "z", "\u{e9}"])
    }

    @Test("writes fields with presence even when zero, negatives as 10-byte varints")
    func present() {
        var writer = ProtoWriter()
        writer.writePresent(1, int64: 0)
        writer.writePresent(2, double: 0)
        writer.writePresent(3, int64: -1)
        #expect(writer.bytes == hex("08 00 11 00 00 00 00 00 00 00 00 18 ff ff ff ff ff ff ff ff ff 01"))
    }
}
