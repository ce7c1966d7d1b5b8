import ProtoWire
import Testing

/// One message of the golden table: the Swift value and the bytes Google's protobuf made for it.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    enum Kind: Sendable {
        /// AllTypes bytes: ProtoWire must encode the value to exactly them, and decode them to the value.
        case roundTrip
        /// Bytes of another message type (FlippedPacking, Evolved) that AllTypes must decode to the value.
        case decodeOnly
    }

    let name: String
    let kind: Kind
    let value: AllTypes

    var testDescription: String { name }
}

/// The same table as `cases()` in Fixtures/make_golden.py, case for case; keep them in step.
enum GoldenCases {
    static let unicode = "h\u{e9}llo w\u{f6}rld \u{2014} \u{65e5}\u{672c}\u{8a9e} \u{1F389}"
    static let negative: Int32 = -1  // Color.COLOR_NEGATIVE

    static let edges: RepeatedScalars = {
        var r = RepeatedScalars()
        r.int32 = [0, 1, -1, .min, .max, 127, 128]
        r.int64 = [0, -1, .min, .max, 300]
        r.uint32 = [0, 1, .max, 16383, 16384]
        r.uint64 = [0, .max, 1 << 63, 1]
        r.sint32 = [0, -1, 1, .min, .max, -64, 64]
        r.sint64 = [0, -1, .min, .max]
        r.bool = [true, false, true]
        r.color = [0, 1, 2, negative, 7]
        r.fixed32 = [0, 1, .max]
        r.fixed64 = [0, .max, 1 << 32]
        r.sfixed32 = [0, -1, .min, .max]
        r.sfixed64 = [0, -1, .min, .max]
        r.float = [0, -0.0, 1.5, -.greatestFiniteMagnitude, .infinity, .nan, .leastNonzeroMagnitude]
        r.double = [0, -0.0, -2.25, .greatestFiniteMagnitude, -.infinity, .nan, .leastNonzeroMagnitude]
        return r
    }()

    static func make(_ build: (inout AllTypes) -> Void) -> AllTypes {
        var message = AllTypes()
        build(&message)
        return message
    }

    static let all: [GoldenCase] = [
        GoldenCase(name: "empty", kind: .roundTrip, value: AllTypes()),
        // Explicit defaults are indistinguishable from absent fields in proto3.
        GoldenCase(name: "defaults_not_written", kind: .roundTrip, value: AllTypes()),
        GoldenCase(name: "ones", kind: .roundTrip, value: make {
            $0.int32 = 1; $0.int64 = 1; $0.uint32 = 1; $0.uint64 = 1; $0.sint32 = 1; $0.sint64 = 1
            $0.bool = true; $0.color = 1; $0.fixed32 = 1; $0.fixed64 = 1; $0.sfixed32 = 1; $0.sfixed64 = 1
            $0.float = 1; $0.double = 1; $0.string = "a"; $0.bytes = [1]; $0.maxField = 1
        }),
        GoldenCase(name: "minus_one", kind: .roundTrip, value: make {
            $0.int32 = -1; $0.int64 = -1; $0.sint32 = -1; $0.sint64 = -1; $0.color = negative
            $0.sfixed32 = -1; $0.sfixed64 = -1; $0.float = -1; $0.double = -1; $0.maxField = -1
        }),
        GoldenCase(name: "max_values", kind: .roundTrip, value: make {
            $0.int32 = .max; $0.int64 = .max; $0.uint32 = .max; $0.uint64 = .max; $0.sint32 = .max
            $0.sint64 = .max; $0.fixed32 = .max; $0.fixed64 = .max; $0.sfixed32 = .max; $0.sfixed64 = .max
            $0.float = .greatestFiniteMagnitude; $0.double = .greatestFiniteMagnitude; $0.maxField = .max
        }),
        GoldenCase(name: "min_values", kind: .roundTrip, value: make {
            $0.int32 = .min; $0.int64 = .min; $0.sint32 = .min; $0.sint64 = .min; $0.sfixed32 = .min
            $0.sfixed64 = .min; $0.float = -.greatestFiniteMagnitude; $0.double = -.greatestFiniteMagnitude
            $0.maxField = .min
        }),
        GoldenCase(name: "varint_boundaries", kind: .roundTrip, value: make {
            $0.int32 = 127; $0.int64 = 128; $0.uint32 = 16383; $0.uint64 = 16384; $0.sint32 = -64
            $0.sint64 = 64; $0.color = 300
        }),
        GoldenCase(name: "float_nan", kind: .roundTrip, value: make { $0.float = .nan; $0.double = .nan }),
        GoldenCase(name: "float_negative_zero", kind: .roundTrip, value: make { $0.float = -0.0; $0.double = -0.0 }),
        GoldenCase(name: "float_infinities", kind: .roundTrip, value: make {
            $0.float = .infinity; $0.double = -.infinity
        }),
        GoldenCase(name: "float_subnormal", kind: .roundTrip, value: make {
            $0.float = .leastNonzeroMagnitude; $0.double = .leastNonzeroMagnitude
        }),
        GoldenCase(name: "unicode_string", kind: .roundTrip, value: make {
            $0.string = unicode; $0.bytes = [0, 0xFF, 0x80, 0xC3, 0x28]
        }),
        GoldenCase(name: "control_characters", kind: .roundTrip, value: make {
            $0.string = "\u{0}\n\t\u{7F}"; $0.repeatedString = ["\u{0}"]
        }),
        GoldenCase(name: "packed_edges", kind: .roundTrip, value: make { $0.packed = edges }),
        GoldenCase(name: "unpacked_edges", kind: .roundTrip, value: make { $0.unpacked = edges }),
        GoldenCase(name: "repeated_strings_with_empty", kind: .roundTrip, value: make {
            $0.repeatedString = ["", "a", "", "\u{fc}"]; $0.repeatedBytes = [[], [0], []]
        }),
        GoldenCase(name: "map_labels", kind: .roundTrip, value: make {
            $0.labels = ["b": "2", "a": "1", "\u{fc}n\u{ef}": "c\u{f6}d\u{e9}", "k": ""]
        }),
        GoldenCase(name: "map_empty_key_and_value", kind: .roundTrip, value: make { $0.labels = ["": ""] }),
        GoldenCase(name: "map_prefix_keys", kind: .roundTrip, value: make {
            $0.labels = ["ab": "y", "": "e", "b": "", "a": "x"]
        }),
        GoldenCase(name: "nested", kind: .roundTrip, value: make {
            $0.nested = Nested(value: -1, note: "n", child: Nested(child: Nested(value: 3)), marks: [-1, 0, 1])
        }),
        GoldenCase(name: "nested_present_but_empty", kind: .roundTrip, value: make { $0.nested = Nested() }),
        GoldenCase(name: "nested_list", kind: .roundTrip, value: make {
            $0.nestedList = [Nested(), Nested(value: 1), Nested(note: "x", marks: [.min])]
        }),
        GoldenCase(name: "oneof_uint32_zero", kind: .roundTrip, value: make { $0.choice = .uint32(0) }),
        GoldenCase(name: "oneof_string_empty", kind: .roundTrip, value: make { $0.choice = .string("") }),
        GoldenCase(name: "oneof_bytes_empty", kind: .roundTrip, value: make { $0.choice = .bytes([]) }),
        GoldenCase(name: "oneof_double_zero", kind: .roundTrip, value: make { $0.choice = .double(0) }),
        GoldenCase(name: "oneof_nested_empty", kind: .roundTrip, value: make { $0.choice = .nested(Nested()) }),
        GoldenCase(name: "oneof_nested", kind: .roundTrip, value: make {
            $0.choice = .nested(Nested(value: .max, note: unicode))
        }),
        GoldenCase(name: "max_field_number", kind: .roundTrip, value: make { $0.maxField = 1 }),
        GoldenCase(name: "everything", kind: .roundTrip, value: make {
            $0.int32 = -123456; $0.int64 = -(1 << 40); $0.uint32 = 4_000_000_000; $0.uint64 = (1 << 63) + 5
            $0.sint32 = -99999; $0.sint64 = 1 << 50; $0.bool = true; $0.color = 2; $0.fixed32 = 0xDEAD_BEEF
            $0.fixed64 = 0x0123_4567_89AB_CDEF; $0.sfixed32 = -7; $0.sfixed64 = -(1 << 60); $0.float = 0.1
            $0.double = 3.141592653589793; $0.string = unicode; $0.bytes = Array(0...255)
            $0.packed = edges; $0.unpacked = edges; $0.repeatedString = ["x", ""]; $0.repeatedBytes = [[0xFF]]
            $0.labels = ["model": "resnet", "team": "vision"]
            $0.nested = Nested(value: 5, child: Nested(note: "deep"))
            $0.nestedList = [Nested(value: 1), Nested(value: 2)]
            $0.choice = .string("picked"); $0.maxField = 42
        }),
        GoldenCase(name: "flipped_packing", kind: .decodeOnly, value: make { $0.packed = edges; $0.unpacked = edges }),
        // Evolved's extra fields (every wire type, top level and nested) are skipped.
        GoldenCase(name: "evolved_unknown_fields", kind: .decodeOnly, value: make {
            $0.int32 = 7; $0.string = "kept"; $0.nested = Nested(value: 9); $0.maxField = 8
        }),
    ]
}
