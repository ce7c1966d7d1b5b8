/// The header of a `.npy` file (NumPy's format versions 1.0, 2.0 and 3.0):
///
/// | bytes | content |
/// |---|---|
/// | 6 | magic `\x93NUMPY` |
/// | 2 | major, minor version |
/// | 2 (1.0) or 4 (2.0, 3.0) | little-endian length L of the dictionary text |
/// | L | a Python dict literal: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, space-padded, `\n`-terminated |
///
/// Array data starts right after, C order unless `fortran_order` is True.
struct NumpyHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]
    /// Offset of the first data byte.
    var dataOffset: Int

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Largest dictionary text accepted. Version 1.0 caps it at 65535 by construction; for 2.0/3.0 a 4-byte
    /// length could claim 4 GiB, so the bound protects against a hostile file before anything is allocated.
    static let maxDictionaryLength = 65_536

    /// Parses and checks the header at the start of `bytes`.
    static func parse(_ bytes: [UInt8]) throws(NumpyError) -> NumpyHeader {
        guard bytes.count >= 8 else { throw .malformed("file is \(bytes.count) bytes, shorter than a .npy preamble", offset: 0) }
        guard bytes[0..<6].elementsEqual(magic) else {
            throw .malformed("missing the \\x93NUMPY magic; this is not a .npy file", offset: 0)
        }
        let major = bytes[6], minor = bytes[7]
        let lengthSize: Int
        switch (major, minor) {
        case (1, 0): lengthSize = 2
        case (2, 0), (3, 0): lengthSize = 4
        default: throw .unsupported("format version \(major).\(minor); maas reads 1.0, 2.0 and 3.0")
        }
        guard bytes.count >= 8 + lengthSize else { throw .malformed("file ends inside the header length", offset: 8) }
        var length = 0
        for i in (0..<lengthSize).reversed() { length = length << 8 | Int(bytes[8 + i]) }
        let dictStart = 8 + lengthSize
        guard length <= maxDictionaryLength else {
            throw .malformed("header length \(length) exceeds the limit of \(maxDictionaryLength)", offset: 8)
        }
        guard bytes.count - dictStart >= length else {
            throw .malformed("header claims \(length) bytes but the file ends after \(bytes.count - dictStart)", offset: 8)
        }
        let dictBytes = bytes[dictStart..<dictStart + length]
        // 1.0 and 2.0 headers are latin-1; 3.0 allows UTF-8. Every key and value we accept is ASCII, so
        // reject anything else up front instead of decoding two encodings.
        if let bad = dictBytes.firstIndex(where: { $0 >= 0x80 }) {
            throw .unsupported("header has non-ASCII byte 0x\(String(dictBytes[bad], radix: 16)) at byte \(bad)")
        }
        let literal = try PythonLiteral.parse(dictBytes, baseOffset: dictStart)
        return try NumpyHeader(literal, dataOffset: dictStart + length, dictOffset: dictStart)
    }

    private init(_ literal: PythonLiteral, dataOffset: Int, dictOffset: Int) throws(NumpyError) {
        guard case .dict(let entries) = literal else {
            throw .malformed("header is not a dictionary", offset: dictOffset)
        }
        var descr: String?
        var fortran: Bool?
        var shape: [Int]?
        for (key, value) in entries {
            switch (key, value) {
            case ("descr", .string(let s)): descr = s
            case ("descr", .list):
                throw .unsupported("structured dtype (record fields); maas accepts plain float32 or int64 arrays")
            case ("fortran_order", .bool(let b)): fortran = b
            case ("shape", .tuple(let dims)):
                var out: [Int] = []
                for dim in dims {
                    guard case .integer(let n) = dim, n >= 0 else {
                        throw .malformed("shape \(Self.render(dims)) has an entry that is not a non-negative integer", offset: dictOffset)
                    }
                    out.append(n)
                }
                shape = out
            case ("descr", _), ("fortran_order", _), ("shape", _):
                throw .malformed("header key '\(key)' has the wrong type", offset: dictOffset)
            default:
                throw .malformed("header has unexpected key '\(key)'", offset: dictOffset)
            }
        }
        guard let descr else { throw .malformed("header lacks 'descr'", offset: dictOffset) }
        guard let fortran else { throw .malformed("header lacks 'fortran_order'", offset: dictOffset) }
        guard let shape else { throw .malformed("header lacks 'shape'", offset: dictOffset) }
        self.descr = descr
        self.fortranOrder = fortran
        self.shape = shape
        self.dataOffset = dataOffset
    }

    private static func render(_ dims: [PythonLiteral]) -> String {
        "(" + dims.map { if case .integer(let n) = $0 { String(n) } else { "?" } }.joined(separator: ", ") + ")"
    }

    /// A version 1.0 preamble + dictionary, byte-identical to what NumPy's `np.save` writes: the dict text,
    /// room for the first axis to grow (NumPy pads 21 digits' worth), then spaces so the data starts on a
    /// 64-byte boundary, then `\n`. A dictionary too long for 1.0's 2-byte length (thousands of dimensions)
    /// falls back to 2.0, as NumPy does.
    static func encode(descr: String, shape: [Int]) -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        if let first = shape.first {
            dict += String(repeating: " ", count: max(0, 21 - String(first).count))
        }
        let fitsVersion1 = magic.count + 4 + dict.utf8.count + 1 + 64 <= 0xFFFF
        let lengthSize = fitsVersion1 ? 2 : 4
        let unpadded = magic.count + 2 + lengthSize + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = dict.utf8.count
        var out = magic + [fitsVersion1 ? 1 : 2, 0]
        for i in 0..<lengthSize { out.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
        return out + Array(dict.utf8)
    }
}
