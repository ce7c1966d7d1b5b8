import Foundation
import Testing

/// Reads the files under Tests/MaaSProtocolTests/Fixtures (copied into the test bundle).
enum Fixtures {
    struct Manifest: Decodable {
        struct Entry: Decodable {
            let name: String
            let message: String
            let size: Int
        }
        /// Concatenations of golden cases, as Google's parsers merge and re-serialize them.
        struct Merge: Decodable, Sendable, CustomTestStringConvertible {
            let name: String
            let parts: [String]
            let size: Int

            var testDescription: String { name }
        }
        let cases: [Entry]
        let merges: [Merge]
    }

    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    static func golden(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent("golden/\(name).bin")))
    }

    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    }
}

/// Bytes from a readable hex string ("08 96 01"); spaces are ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0, "odd hex string: \(text)")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// Hex text of `bytes`, so failing comparisons show a readable diff.
func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
}
