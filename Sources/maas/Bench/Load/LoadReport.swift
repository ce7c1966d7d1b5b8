import Foundation
import Histogram
import MaaSProtocol

/// What `maas bench` prints after a run against a server; `--json` prints these fields.
struct LoadReport: Encodable {
    struct Latency: Encodable {
        var min: Double
        var mean: Double
        var p50: Double
        var p90: Double
        var p99: Double
        var p99_9: Double
        var max: Double
    }

    struct CPU: Encodable {
        /// CPU seconds (user + system) spent in the measured window.
        var seconds: Double
        var per_request_us: Double
        /// seconds / window: how many cores were busy on average.
        var cores: Double
    }

    struct Server: Encodable {
        var pid: Int32
        var process: String?
        var cpu: CPU
    }

    var model: String
    var version: Int64
    var address: String
    /// `tensor` or `audio`.
    var input_kind: String
    /// Requests sent in turn (one per --audio clip; 1 for tensors).
    var distinct_requests: Int
    /// Their mean size.
    var request_bytes: Int
    var concurrency: Int
    var connections: Int
    var warmup_seconds: Double
    var warmup_requests: Int
    var window_seconds: Double
    /// Calls completed in the window, successful or not.
    var requests: Int
    var ok: Int
    var failed: Int
    /// Failed calls by status name.
    var errors: [String: Int]
    /// Successful calls per second of the window.
    var requests_per_second: Double
    /// Of successful calls, in milliseconds; nil when none succeeded.
    var latency_ms: Latency?
    var generator: CPU
    var server: Server?
    /// Why there is no server CPU, when there is none.
    var server_cpu_unavailable: String?
    /// Ctrl-C ended the window early.
    var interrupted: Bool

    /// The report's numbers from a run's final snapshot; nil when nothing was measured.
    static func numbers(
        _ snapshot: LoadRecorder.Snapshot
    ) -> (window: Double, latency: Latency?, generator: CPU, server: CPU?)? {
        guard let since = snapshot.measuringSince, let until = snapshot.endedAt,
            let start = snapshot.startSample, let end = snapshot.endSample
        else { return nil }
        let window = DurationText.seconds(until - since)
        guard window > 0 else { return nil }
        let completed = snapshot.completed
        func cpu(_ seconds: Double) -> CPU {
            CPU(seconds: seconds, per_request_us: completed > 0 ? seconds / Double(completed) * 1e6 : 0, cores: seconds / window)
        }
        var server: CPU?
        if let before = start.server, let after = end.server { server = cpu(after - before) }
        return (window, latency(snapshot.histogram), cpu(end.generator - start.generator), server)
    }

    /// Percentiles in milliseconds (the histogram holds nanoseconds, to 3 significant digits).
    static func latency(_ histogram: Histogram<UInt64>) -> Latency? {
        guard histogram.totalCount > 0 else { return nil }
        func ms(_ ns: UInt64) -> Double { Double(ns) / 1e6 }
        return Latency(
            min: ms(histogram.min), mean: histogram.mean / 1e6, p50: ms(histogram.valueAtPercentile(50)),
            p90: ms(histogram.valueAtPercentile(90)), p99: ms(histogram.valueAtPercentile(99)),
            p99_9: ms(histogram.valueAtPercentile(99.9)), max: ms(histogram.maxRecorded))
    }

    func text() -> String {
        let requests = distinct_requests > 1
            ? "\(distinct_requests) clips in turn, \(Units.grouped(request_bytes)) bytes per request on average"
            : "\(Units.grouped(request_bytes))-byte request"
        var out = "\(model) version \(version) at \(address): \(input_kind) input (\(requests)), "
            + "concurrency \(concurrency) over \(connections) connection\(connections == 1 ? "" : "s")\n"
        out += "\(Self.seconds(window_seconds)) measured"
        if warmup_seconds > 0 {
            out += " after \(DurationText.format(.milliseconds(Int64((warmup_seconds * 1000).rounded())))) of warm-up (\(Units.grouped(warmup_requests)) requests)"
        }
        out += interrupted ? ", cut short by Ctrl-C\n\n" : "\n\n"
        var table = Table(["", ""])
        table.append(["requests", "\(Units.grouped(ok)) ok, \(Units.grouped(failed)) failed"])
        if !errors.isEmpty {
            table.append(["errors", errors.sorted { $0.value > $1.value }.map { "\($0.key) \(Units.grouped($0.value))" }.joined(separator: ", ")])
        }
        table.append(["throughput", "\(Self.tenths(requests_per_second)) req/s"])
        if let l = latency_ms {
            let cells = [("p50", l.p50), ("p90", l.p90), ("p99", l.p99), ("p99.9", l.p99_9), ("max", l.max)]
            table.append(["latency", cells.map { "\($0.0) \(Self.milliseconds($0.1))" }.joined(separator: "  ") + "  (successful calls)"])
        }
        if let server {
            let name = server.process.map { ": \($0)" } ?? ""
            table.append(["server CPU", Self.cpu(server.cpu) + " (pid \(server.pid)\(name))"])
        } else {
            table.append(["server CPU", "n/a (\(server_cpu_unavailable ?? "unknown"))"])
        }
        table.append(["generator CPU", Self.cpu(generator) + " (this process)"])
        return out + table.render(header: false)
    }

    private static func cpu(_ cpu: CPU) -> String {
        let perRequest = cpu.per_request_us >= 100 ? Units.grouped(Int(cpu.per_request_us.rounded())) : tenths(cpu.per_request_us)
        return "\(perRequest) µs/request, \(String(format: "%.2f", cpu.cores)) cores"
    }

    /// `10.0 s`, `1.84 s`, `0.012 s`: short windows (a few --requests) keep their digits.
    static func seconds(_ value: Double) -> String {
        String(format: value >= 10 ? "%.1f s" : value >= 1 ? "%.2f s" : "%.3f s", value)
    }

    /// `12,345.6`.
    static func tenths(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(Units.grouped(tenths / 10)).\(abs(tenths % 10))"
    }

    static func milliseconds(_ nanoseconds: UInt64) -> String {
        milliseconds(Double(nanoseconds) / 1e6)
    }

    /// `0.412 ms`, `1.93 ms`, `12.3 ms`, `153 ms`: about 3 significant digits, as the histogram keeps.
    static func milliseconds(_ value: Double) -> String {
        let format = value < 1 ? "%.3f ms" : value < 10 ? "%.2f ms" : value < 100 ? "%.1f ms" : "%.0f ms"
        return String(format: format, value)
    }
}
