import Foundation
import MaaSAudio

/// The files made by Fixtures/make_fixtures.py and what librosa computed from them (see manifest.json).
enum Fixtures {
    struct Manifest: Decodable {
        struct Clip: Decodable, CustomStringConvertible {
            struct Expected: Decodable {
                let profile: String
                let file: String
                let frames: Int
                let coefficients: Int
                let resampled: Bool
            }
            let file: String
            let sampleRate: Int
            let channels: Int
            let frames: Int
            let sum: Double
            let sumOfSquares: Double
            let head: [Double]
            let mfcc: [Expected]
            var description: String { file }
        }
        struct Mel: Decodable {
            let clip: String
            let profile: String
            let file: String
            let frames: Int
            let bands: Int
        }
        struct Prepared: Decodable {
            let clip: String
            let profile: String
            let file: String
            let samples: Int
        }
        struct Custom: Decodable {
            let clip: String
            let file: String
            let frames: Int
            let coefficients: Int
            let configuration: MFCCConfiguration
        }
        let librosa: String
        let clips: [Clip]
        let melSpectrogram: Mel
        let prepared: Prepared
        let custom: Custom
    }

    static let manifest: Manifest = {
        // A missing or malformed manifest is a broken checkout: fail loudly rather than test nothing.
        try! JSONDecoder().decode(Manifest.self, from: Data(bytes("manifest.json")))
    }()

    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func bytes(_ name: String) -> [UInt8] {
        [UInt8](try! Data(contentsOf: url(name)))
    }

    /// A raw little-endian float32 array.
    static func floats(_ name: String) -> [Float] {
        let raw = bytes(name)
        return (0..<(raw.count / 4)).map { i in
            Float(bitPattern: UInt32(raw[4 * i]) | UInt32(raw[4 * i + 1]) << 8 | UInt32(raw[4 * i + 2]) << 16 | UInt32(raw[4 * i + 3]) << 24)
        }
    }

    static func clip(_ file: String) -> Manifest.Clip {
        manifest.clips.first { $0.file == file }!
    }
}
