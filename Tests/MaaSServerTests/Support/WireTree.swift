import Foundation
import MaaSProtocol

@testable import MaaSServer

// MARK: the wire, field by field

/// One field of a protobuf message as it sits on the wire.
struct WireField: Equatable, Sendable {
    enum Value: Equatable, Sendable {
        case varint(UInt64)
        /// 4 bytes (wire type 5) or 8 (wire type 1).
        case fixed([UInt8])
        case bytes([UInt8])
        /// A length-delimited field holding a known message, parsed.
        case message([WireField])

        var kindName: String {
            switch self {
            case .varint: "varint"
            case .fixed: "fixed"
            case .bytes: "bytes"
            case .message: "message"
            }
        }
    }

    var number: UInt64
    var value: Value
}

/// Parses and writes Predict requests field by field, so a test can edit one field deep inside one and write
/// every enclosing length again, or find where each tag, length and varint sits to break it in place.
enum WireTree {
    /// The messages of a PredictRequest whose fields are parsed further.
    enum Schema {
        case request, namedTensor, tensor, rawAudio

        func child(_ number: UInt64) -> Schema? {
            switch (self, number) {
            case (.request, 3): .namedTensor
            case (.request, 5): .rawAudio
            case (.namedTensor, 2): .tensor
            default: nil
            }
        }
    }

    /// Where a tag, length prefix or varint value sits in the encoding, and the whole field it belongs to.
    struct Site {
        enum Kind { case tag, length, value }
        let kind: Kind
        let range: Range<Int>
        let field: Range<Int>
    }

    static let interestingValues: [UInt64] = [
        0, 1, 2, 3, 0x7F, 0x80, 0xFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1 << 32, UInt64(Int64.max), 1 << 63,
        .max - 1, .max,
    ]

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    /// A varint encoding a strict decoder must refuse or at least read with care.
    static func hostileVarint(_ dice: inout Dice) -> [UInt8] {
        switch dice.roll(5) {
        case 0: [UInt8](repeating: 0x80, count: 10) + [0x01]  // 11 bytes
        case 1: [UInt8](repeating: 0xFF, count: 9) + [0x7F]  // past 64 bits
        case 2: [UInt8](repeating: 0xFF, count: 1 + dice.roll(12))  // never ends
        case 3: [0x81, 0x80, 0x80, 0x00]  // 1, padded
        default: varint(dice.pick(interestingValues))
        }
    }

    static func readVarint(_ bytes: [UInt8], _ start: Int) -> (value: UInt64, end: Int)? {
        var value: UInt64 = 0
        var i = start
        while i < bytes.count, i - start < 10 {
            value |= UInt64(bytes[i] & 0x7F) << (7 * UInt64(i - start))
            i += 1
            if bytes[i - 1] < 0x80 { return (value, i) }
        }
        return nil
    }

    /// The fields of a well-formed message; nil for bytes that are not one.
    static func parse(_ bytes: [UInt8], _ schema: Schema?) -> [WireField]? {
        var fields: [WireField] = []
        var i = 0
        while i < bytes.count {
            guard let (key, afterKey) = readVarint(bytes, i) else { return nil }
            let number = key >> 3
            switch key & 7 {
            case 0:
                guard let (value, end) = readVarint(bytes, afterKey) else { return nil }
                fields.append(WireField(number: number, value: .varint(value)))
                i = end
            case 1, 5:
                let end = afterKey + (key & 7 == 1 ? 8 : 4)
                guard end <= bytes.count else { return nil }
                fields.append(WireField(number: number, value: .fixed(Array(bytes[afterKey..<end]))))
                i = end
            case 2:
                guard let (length, start) = readVarint(bytes, afterKey), length <= UInt64(bytes.count - start) else {
                    return nil
                }
                let body = Array(bytes[start..<(start + Int(length))])
                if let child = schema?.child(number), let parsed = parse(body, child) {
                    fields.append(WireField(number: number, value: .message(parsed)))
                } else {
                    fields.append(WireField(number: number, value: .bytes(body)))
                }
                i = start + Int(length)
            default:
                return nil
            }
        }
        return fields
    }

    static func encode(_ fields: [WireField]) -> [UInt8] { encodeWithSites(fields).bytes }

    static func sites(_ fields: [WireField]) -> [Site] { encodeWithSites(fields).sites }

    private static func encodeWithSites(_ fields: [WireField]) -> (bytes: [UInt8], sites: [Site]) {
        var bytes: [UInt8] = []
        var sites: [Site] = []
        for field in fields {
            let start = bytes.count
            var fieldSites: [(Site.Kind, Range<Int>)] = []
            func append(_ kind: Site.Kind?, _ part: [UInt8]) {
                if let kind { fieldSites.append((kind, bytes.count..<(bytes.count + part.count))) }
                bytes += part
            }
            switch field.value {
            case .varint(let value):
                append(.tag, varint(field.number << 3))
                append(.value, varint(value))
            case .fixed(let value):
                append(.tag, varint(field.number << 3 | (value.count == 8 ? 1 : 5)))
                append(nil, value)
            case .bytes(let value):
                append(.tag, varint(field.number << 3 | 2))
                append(.length, varint(UInt64(value.count)))
                append(nil, value)
            case .message(let children):
                let (body, childSites) = encodeWithSites(children)
                append(.tag, varint(field.number << 3 | 2))
                append(.length, varint(UInt64(body.count)))
                let offset = bytes.count
                bytes += body
                sites += childSites.map {
                    Site(kind: $0.kind, range: $0.range.shifted(by: offset), field: $0.field.shifted(by: offset))
                }
            }
            sites += fieldSites.map { Site(kind: $0.0, range: $0.1, field: start..<bytes.count) }
        }
        return (bytes, sites)
    }

    /// The index path of every field, at every depth.
    static func paths(_ fields: [WireField], prefix: [Int] = []) -> [[Int]] {
        fields.indices.flatMap { i -> [[Int]] in
            guard case .message(let children) = fields[i].value else { return [prefix + [i]] }
            return [prefix + [i]] + paths(children, prefix: prefix + [i])
        }
    }

    /// Calls `change` with the level holding the field at index path `path` and its index there.
    static func edit(_ fields: inout [WireField], at path: ArraySlice<Int>, _ change: (inout [WireField], Int) -> Void) {
        guard let i = path.first else { return }
        guard path.count > 1 else { return change(&fields, i) }
        guard case .message(var children) = fields[i].value else { return }
        edit(&children, at: path.dropFirst(), change)
        fields[i].value = .message(children)
    }

    /// As `edit(_:at:_:)`, with the path given as field numbers, taking each number's first field.
    static func edit(
        _ fields: inout [WireField], firstOf numbers: ArraySlice<UInt64>, _ change: (inout [WireField], Int) -> Void
    ) {
        guard let number = numbers.first, let i = fields.firstIndex(where: { $0.number == number }) else { return }
        let path = [i] + indexPath(fields[i], numbers.dropFirst())
        edit(&fields, at: path[...], change)
    }

    private static func indexPath(_ field: WireField, _ numbers: ArraySlice<UInt64>) -> [Int] {
        guard let number = numbers.first, case .message(let children) = field.value,
            let i = children.firstIndex(where: { $0.number == number })
        else { return [] }
        return [i] + indexPath(children[i], numbers.dropFirst())
    }

    /// Reorders the fields at every level where no field number repeats (a repeated field's order is meaning).
    static func shuffle(_ fields: inout [WireField], _ dice: inout Dice) {
        for i in fields.indices {
            if case .message(var children) = fields[i].value {
                shuffle(&children, &dice)
                fields[i].value = .message(children)
            }
        }
        if Set(fields.map(\.number)).count == fields.count { dice.shuffle(&fields) }
    }

    /// Puts fields no Predict message knows (numbers from 8 up, each wire type) at random places, every level.
    static func insertUnknown(_ fields: inout [WireField], _ dice: inout Dice) {
        for i in fields.indices {
            if case .message(var children) = fields[i].value {
                insertUnknown(&children, &dice)
                fields[i].value = .message(children)
            }
        }
        for _ in 0..<(1 + dice.roll(2)) {
            let number = dice.pick([8, 9, 15, 16, 100, 2047, 536_870_911] as [UInt64])
            let value: WireField.Value = dice.pick([
                .varint(dice.pick(interestingValues)), .fixed(dice.bytes(4)), .fixed(dice.bytes(8)),
                .bytes(dice.bytes(dice.roll(30))),
            ])
            fields.insert(WireField(number: number, value: value), at: dice.roll(fields.count + 1))
        }
    }

    /// Writes each tensor's packed shape as one varint field a dimension, as older encoders do.
    static func unpackShapes(_ fields: inout [WireField]) {
        for i in fields.indices {
            guard case .message(var children) = fields[i].value else { continue }
            unpackShapes(&children)
            fields[i].value = .message(children)
        }
        guard let packed = fields.firstIndex(where: { $0.number == 2 }), case .bytes(let bytes) = fields[packed].value,
            fields.contains(where: { $0.number == 3 }), fields.contains(where: { $0.number == 1 })
        else { return }
        var dims: [UInt64] = []
        var at = 0
        while let (dim, end) = readVarint(bytes, at) {
            dims.append(dim)
            at = end
        }
        fields.replaceSubrange(packed...packed, with: dims.map { WireField(number: 2, value: .varint($0)) })
    }
}

extension Range<Int> {
    fileprivate func shifted(by offset: Int) -> Range<Int> { (lowerBound + offset)..<(upperBound + offset) }
}
