import Foundation

/// Reads the files under Tests/ProtoWireTests/Fixtures (copied into the test bundle).
enum Fixtures {
    struct Manifest: Decodable {
        struct Entry: Decodable {
            let name: String
            let message: String
            /// "value": GoldenCases holds the value; "reencode": decoding and encoding must give the bytes back.
            let check: String
            let size: Int
        }
        let protobuf_python: String
        let protoc: String
        let cases: [Entry]
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
