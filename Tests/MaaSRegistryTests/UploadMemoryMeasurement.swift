import Foundation
import MaaSProtocol
import Testing

@testable import MaaSRegistry

/// A by-hand measurement, not a check: skipped unless MAAS_MEASURE_UPLOAD_MIB is set, and it asserts no
/// memory figure. It streams that many MiB through a real upload and prints the process's peak RSS.
///
///     MAAS_MEASURE_UPLOAD_MIB=1024 swift test --filter UploadMemoryMeasurement
///
/// MAAS_MEASURE_DIR picks the data directory (default: a temp dir, removed afterwards); it needs that much
/// free disk. The peak is reset just before the upload (Linux `/proc/self/clear_refs`), so the figure is the
/// upload's own high-water mark plus the test runner's resident baseline, which is printed alongside.
@Suite(
    "Upload memory measurement",
    .enabled(if: ProcessInfo.processInfo.environment["MAAS_MEASURE_UPLOAD_MIB"] != nil, "set MAAS_MEASURE_UPLOAD_MIB to run"))
struct UploadMemoryMeasurement {
    @Test("prints peak RSS while streaming a large upload through the registry")
    func measure() throws {
        let environment = ProcessInfo.processInfo.environment
        let mebibytes = Int(environment["MAAS_MEASURE_UPLOAD_MIB"] ?? "") ?? 1024
        if let dir = environment["MAAS_MEASURE_DIR"] {
            try run(in: dir, mebibytes: mebibytes)
        } else {
            try withTemporaryDirectory { try run(in: $0, mebibytes: mebibytes) }
        }
    }

    private func run(in dir: String, mebibytes: Int) throws {
        let registry = try ModelRegistry(directory: dir)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        let upload = try registry.beginUpload(ModelHeader(name: "rss-probe", sizeBytes: UInt64(mebibytes) << 20))
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let baseline = try memoryStatus()
        let start = Date()
        for index in 0..<mebibytes {
            chunk[index % chunk.count] &+= 1
            try upload.append(chunk)
        }
        let version = try upload.commit { _, artifact throws(RPCError) in
            // Only the registry's cost is measured here; the server's compile step is not.
            try? writeFile(artifact, Array("probe".utf8))
            return PreparedModel(format: .onnx, inputs: [], outputs: [])
        }
        let seconds = Date().timeIntervalSince(start)
        let after = try memoryStatus()
        print(
            """
            upload: \(mebibytes) MiB in 1 MiB chunks → \(version.name) v\(version.version), sha256 \(version.sha256)
            time: \(String(format: "%.1f", seconds)) s (\(String(format: "%.0f", Double(mebibytes) / seconds)) MiB/s, incl. fsync)
            RSS before: \(baseline.rss) KiB; peak during upload (VmHWM): \(after.peak) KiB; growth: \(after.peak - baseline.rss) KiB
            """)
    }

    private func memoryStatus() throws -> (rss: Int, peak: Int) {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        func value(_ key: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        }
        return (value("VmRSS"), value("VmHWM"))
    }
}
