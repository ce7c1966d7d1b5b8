/// The subset of Python literal syntax that `.npy` headers use: a dict of strings, booleans, integers,
/// tuples and lists. Parsed by hand so a hostile header cannot reach `eval`-like machinery, with a depth
/// limit so `((((…))))` cannot exhaust the stack.
enum PythonLiteral: Equatable {
    case string(String)
    case bool(Bool)
    case integer(Int)
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(key: String, value: PythonLiteral)])

    static func == (lhs: PythonLiteral, rhs: PythonLiteral) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.tuple(let a), .tuple(let b)), (.list(let a), .list(let b)): a == b
        case (.dict(let a), .dict(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// Nesting deeper than this is refused; real headers nest at most three levels (structured dtypes).
    static let maxDepth = 16

    /// Parses exactly one literal from `bytes` (surrounding whitespace allowed).
    /// `baseOffset` is added to reported offsets so they point into the whole file.
    static func parse(_ bytes: ArraySlice<UInt8>, baseOffset: Int) throws(NumpyError) -> PythonLiteral {
        var parser = Parser(bytes: bytes, baseOffset: baseOffset)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.endIndex else {
            throw parser.error("unexpected '\(parser.printable(bytes[parser.index]))' after the header dictionary")
        }
        return value
    }

    private struct Parser {
        let bytes: ArraySlice<UInt8>
        let baseOffset: Int
        var index: Int

        init(bytes: ArraySlice<UInt8>, baseOffset: Int) {
            self.bytes = bytes
            self.baseOffset = baseOffset
            self.index = bytes.startIndex
        }

        func error(_ reason: String) -> NumpyError {
            .malformed("header: \(reason)", offset: baseOffset + (index - bytes.startIndex))
        }

        func printable(_ byte: UInt8) -> String {
            (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }

        mutating func skipWhitespace() {
            while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func parseValue(depth: Int) throws(NumpyError) -> PythonLiteral {
            guard depth < PythonLiteral.maxDepth else { throw error("nested deeper than \(PythonLiteral.maxDepth)") }
            skipWhitespace()
            guard index < bytes.endIndex else { throw error("ends where a value was expected") }
            switch bytes[index] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "{"): return try parseDict(depth: depth)
            case UInt8(ascii: "("):
                return .tuple(try parseSequence(close: UInt8(ascii: ")"), depth: depth))
            case UInt8(ascii: "["):
                return .list(try parseSequence(close: UInt8(ascii: "]"), depth: depth))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try parseInteger())
            default:
                if consume("True") { return .bool(true) }
                if consume("False") { return .bool(false) }
                throw error("unexpected '\(printable(bytes[index]))' where a value was expected")
            }
        }

        mutating func consume(_ word: String) -> Bool {
            let utf8 = Array(word.utf8)
            guard bytes.endIndex - index >= utf8.count, bytes[index..<index + utf8.count].elementsEqual(utf8) else {
                return false
            }
            index += utf8.count
            return true
        }

        /// Quoted string without escapes: numpy never writes any, and refusing them keeps the parser small.
        mutating func parseString() throws(NumpyError) -> String {
            let quote = bytes[index]
            index += 1
            let start = index
            while index < bytes.endIndex, bytes[index] != quote {
                if bytes[index] == UInt8(ascii: "\\") { throw error("escape sequences in strings are not supported") }
                index += 1
            }
            guard index < bytes.endIndex else { throw error("unterminated string") }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            index += 1
            return text
        }

        mutating func parseInteger() throws(NumpyError) -> Int {
            let negative = bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            var value = 0
            var digits = 0
            while index < bytes.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
                guard !o1, !o2 else { throw error("integer does not fit in 64 bits") }
                value = sum
                digits += 1
                index += 1
            }
            // Python 2 headers may write `3L`; accept the suffix as numpy's own reader does.
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "L") { index += 1 }
            guard digits > 0 else { throw error("'-' without digits") }
            return negative ? -value : value
        }

        mutating func parseSequence(close: UInt8, depth: Int) throws(NumpyError) -> [PythonLiteral] {
            index += 1
            var items: [PythonLiteral] = []
            while true {
                skipWhitespace()
                guard index < bytes.endIndex else { throw error("unterminated sequence") }
                if bytes[index] == close {
                    index += 1
                    return items
                }
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.endIndex else { throw error("unterminated sequence") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] != close {
                    throw error("expected ',' or '\(printable(close))' in a sequence, found '\(printable(bytes[index]))'")
                }
            }
        }

        mutating func parseDict(depth: Int) throws(NumpyError) -> PythonLiteral {
            index += 1
            var entries: [(key: String, value: PythonLiteral)] = []
            while true {
                skipWhitespace()
                guard index < bytes.endIndex else { throw error("unterminated dictionary") }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .dict(entries)
                }
                guard bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\"") else {
                    throw error("dictionary keys must be strings, found '\(printable(bytes[index]))'")
                }
                let key = try parseString()
                guard !entries.contains(where: { $0.key == key }) else { throw error("key '\(key)' appears twice") }
                skipWhitespace()
                guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else {
                    throw error("expected ':' after key '\(key)'")
                }
                index += 1
                entries.append((key, try parseValue(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.endIndex else { throw error("unterminated dictionary") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] != UInt8(ascii: "}") {
                    throw error("expected ',' or '}' in the dictionary, found '\(printable(bytes[index]))'")
                }
            }
        }
    }
}
