import Foundation
import Testing

@testable import MaaSServer

@Suite("ThreadCPUClock", .timeLimit(.minutes(1)))
struct ThreadCPUClockTests {
    @Test("counts the thread's computing, not its sleeping")
    func cpuNotSleep() {
        let beforeSleep = ThreadCPUClock.now()
        Thread.sleep(forTimeInterval: 0.05)
        let slept = ThreadCPUClock.now() - beforeSleep
        #expect(slept < .milliseconds(10), "50 ms asleep used \(slept) of CPU")
        #expect(slept >= .zero)

        let start = ThreadCPUClock.now()
        let wall = ContinuousClock.now
        var spins = 0
        while ThreadCPUClock.now() - start < .milliseconds(5) { spins += 1 }
        #expect(spins > 0)
        #expect(ContinuousClock.now - wall >= .milliseconds(5), "CPU time cannot run ahead of the wall clock")
    }
}
