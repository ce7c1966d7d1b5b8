import Foundation

/// Writes 16-bit PCM mono WAV files of sine tones into a fresh temporary directory tree.
enum ToneFiles {
    static func wav(frequency: Double, seconds: Double, sampleRate: Int = 16000, amplitude: Double = 0.5) -> [UInt8] {
        let count = Int(seconds * Double(sampleRate))
        var bytes: [UInt8] = []
        func append32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
        func append16(_ v: UInt16) { bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8)) }
        bytes += Array("RIFF".utf8); append32(UInt32(36 + 2 * count)); bytes += Array("WAVE".utf8)
        bytes += Array("fmt ".utf8); append32(16); append16(1); append16(1); append32(UInt32(sampleRate))
        append32(UInt32(2 * sampleRate)); append16(2); append16(16)
        bytes += Array("data".utf8); append32(UInt32(2 * count))
        for i in 0..<count {
            let value = amplitude * sin(2 * Double.pi * frequency * Double(i) / Double(sampleRate))
            append16(UInt16(bitPattern: Int16(value * 32767)))
        }
        return bytes
    }

    /// DIR/<label>/<n>.wav for each (label, frequencies); returns DIR.
    static func directory(_ tree: [(label: String, frequencies: [Double])], seconds: Double = 0.2) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-train-\(UUID().uuidString)").path
        for (label, frequencies) in tree {
            try FileManager.default.createDirectory(atPath: root + "/" + label, withIntermediateDirectories: true)
            for (i, frequency) in frequencies.enumerated() {
                try Data(wav(frequency: frequency, seconds: seconds + 0.01 * Double(i))).write(to: URL(fileURLWithPath: "\(root)/\(label)/\(i).wav"))
            }
        }
        return root
    }
}
