import Testing
@testable import maas

#if canImport(Glibc)
import Glibc
#endif

@Suite("ProcessCPU")
struct ProcessCPUTests {
    @Test("adds utime and stime after a command name holding spaces and parentheses")
    func oddName() {
        let stat = "4973 (a b) c) S 4860 4860 17467 0 -1 4194304 134 0 0 0 250 50 0 0 20 0 1 0 123 456 7"
        #expect(ProcessCPU.parseStat(stat, ticksPerSecond: 100) == 3.0)
    }

    @Test("refuses a stat line it cannot read", arguments: [
        "12 (x) S 1 2 3", "no parenthesis 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
        "1 (x) S 1 1 1 0 -1 0 0 0 0 0 -5 3 0", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 ab 3 0",
    ])
    func refuses(stat: String) {
        #expect(ProcessCPU.parseStat(stat, ticksPerSecond: 100) == nil)
    }

    @Test("this process's /proc/self/stat agrees with getrusage")
    func agreesWithRusage() {
        var sum = 0.0
        for i in 0..<20_000_000 { sum += Double(i).squareRoot() }
        let stat = ProcessCPU.seconds(pid: getpid())
        let rusage = ProcessCPU.ownSeconds()
        #expect(sum > 0 && rusage > 0)
        // /proc counts in clock ticks (10 ms), getrusage in microseconds.
        #expect(abs((stat ?? -1) - rusage) < 0.05)
    }

    @Test("a process that does not exist has no CPU time")
    func missing() {
        #expect(ProcessCPU.seconds(pid: Int32.max) == nil)
    }
}
