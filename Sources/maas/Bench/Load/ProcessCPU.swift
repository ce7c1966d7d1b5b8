#if canImport(Glibc)
import Glibc
#endif

/// CPU time (user + system) spent by a process so far, in seconds.
enum ProcessCPU {
    /// This process, every thread included (the generator's tasks and the client's event loops).
    static func ownSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Another process on this machine, from /proc/PID/stat; nil when it is gone or unreadable.
    static func seconds(pid: Int32) -> Double? {
        guard let text = ProcFile.read("/proc/\(pid)/stat", limit: 4096) else { return nil }
        return parseStat(text, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// utime + stime (fields 14 and 15 of proc(5)) in seconds. The command name (field 2) is in parentheses
    /// and may itself hold spaces and parentheses, so fields are counted after the last ')'.
    static func parseStat(_ text: String, ticksPerSecond: Double) -> Double? {
        guard ticksPerSecond > 0, let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // After the name: state (3), ppid (4), … utime (14), stime (15): indices 11 and 12 here.
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
        return Double(user + system) / ticksPerSecond
    }

    /// The process's command line, program name without its directory, cut at 60 characters: for the report.
    /// (Not /proc/PID/comm: a server that re-executed itself through /proc/self/exe is called `exe` there.)
    static func commandLine(pid: Int32) -> String? {
        guard let text = ProcFile.read("/proc/\(pid)/cmdline", limit: 4096) else { return nil }
        var arguments = text.split(separator: "\0").map(String.init)
        guard let program = arguments.first else { return nil }
        arguments[0] = String(program.split(separator: "/").last ?? Substring(program))
        let line = arguments.joined(separator: " ")
        return line.count > 60 ? String(line.prefix(59)) + "…" : line
    }

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) * 1e-6
    }
}
