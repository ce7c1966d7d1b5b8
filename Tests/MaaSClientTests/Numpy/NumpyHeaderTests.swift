import MaaSClient
import Testing

/// Hostile and broken `.npy` inputs: each must be refused with an error, never a crash, a hang or a large
/// allocation.
@Suite("NumpyArray decoding of hostile input")
struct NumpyHeaderTests {
    /// A file with the given version and dictionary text (padded with nothing) followed by `data`.
    static func npy(major: UInt8 = 1, _ dict: String, data: [UInt8] = [], claimedLength: Int? = nil) -> [UInt8] {
        let text = Array(dict.utf8)
        let length = claimedLength ?? text.count
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
        let lengthSize = major == 1 ? 2 : 4
        for i in 0..<lengthSize { out.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
        return out + text + data
    }

    /// A named byte string; printed by name so a 100 kB input does not flood the test log.
    struct Input: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var testDescription: String { name }
    }

    static let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n"

    @Test("accepts a minimal hand-written header")
    func acceptsMinimal() throws {
        let array = try NumpyArray(npyBytes: Self.npy(Self.good, data: [0, 0, 0x80, 0x3F]))
        #expect(array.floatValues == [1])
        // Keys in any order, double quotes, no trailing comma, Python 2 long suffix.
        let reordered = "{\"shape\": (2L,), \"fortran_order\": False, \"descr\": \"<i8\"}"
        let ints = try NumpyArray(npyBytes: Self.npy(reordered, data: [UInt8](repeating: 0, count: 16)))
        #expect(ints.int64Values == [0, 0])
    }

    @Test(
        "refuses malformed input",
        arguments: [
            Input(name: "empty file", bytes: [UInt8]()),
            Input(name: "wrong magic", bytes: Array("PK\u{3}\u{4}NUMPY\u{1}\u{0}".utf8)),
            Input(name: "truncated length", bytes: [0x93] + Array("NUMPY".utf8) + [2, 0, 1]),
            Input(name: "length beyond the file", bytes: npy(good, claimedLength: 500)),
            Input(name: "4 GiB header length", bytes: npy(major: 2, good, claimedLength: Int(UInt32.max))),
            Input(name: "not a dictionary", bytes: npy("[1, 2]")),
            Input(name: "missing descr", bytes: npy("{'fortran_order': False, 'shape': (1,)}", data: [0, 0, 0, 0])),
            Input(name: "unknown key", bytes: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}", data: [0, 0, 0, 0])),
            Input(name: "duplicate key", bytes: npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': ()}")),
            Input(name: "fortran_order not a bool", bytes: npy("{'descr': '<f4', 'fortran_order': 0, 'shape': ()}")),
            Input(name: "unterminated string", bytes: npy("{'descr: '<f4'}")),
            Input(name: "escape in string", bytes: npy("{'descr': '<f\\x34', 'fortran_order': False, 'shape': ()}")),
            Input(name: "non-ASCII header byte", bytes: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'é': 1}")),
            Input(name: "integer beyond 64 bits", bytes: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}")),
            Input(name: "negative dimension", bytes: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}")),
            Input(name: "dimension not an integer", bytes: npy("{'descr': '<f4', 'fortran_order': False, 'shape': ('a',)}")),
            Input(name: "shape product overflows", bytes: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296)}")),
            Input(name: "huge shape, no data", bytes: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,)}")),
            Input(name: "data truncated", bytes: npy(good, data: [0, 0, 0])),
            Input(name: "trailing bytes after the data", bytes: npy(good, data: [0, 0, 0, 0, 0])),
            Input(name: "nesting bomb", bytes: npy(String(repeating: "(", count: 100_000))),
            Input(name: "text after the dictionary", bytes: npy(good + "x")),
            Input(name: "missing comma", bytes: npy("{'descr': '<f4' 'fortran_order': False, 'shape': ()}")),
        ])
    func refusesMalformed(input: Input) {
        let error = #expect(throws: NumpyError.self, "\(input.name)") { try NumpyArray(npyBytes: input.bytes) }
        if case .io? = error { Issue.record("\(input.name): unexpected io error") }
    }

    @Test("refuses an unknown format version as unsupported")
    func refusesVersion() {
        let error = #expect(throws: NumpyError.self) { try NumpyArray(npyBytes: Self.npy(major: 4, Self.good)) }
        #expect(error == .unsupported("format version 4.0; maas reads 1.0, 2.0 and 3.0"))
    }

    @Test("reports where a header goes wrong")
    func reportsOffset() {
        // Preamble is 10 bytes; the stray 'x' is the 15th byte of the dictionary text.
        let bytes = Self.npy("{'descr': '<f4'x}")
        let error = #expect(throws: NumpyError.self) { try NumpyArray(npyBytes: bytes) }
        guard case .malformed(let reason, let offset)? = error else {
            Issue.record("expected .malformed, got \(String(describing: error))")
            return
        }
        #expect(offset == 25)
        #expect(reason.contains("expected ',' or '}'"))
    }
}
