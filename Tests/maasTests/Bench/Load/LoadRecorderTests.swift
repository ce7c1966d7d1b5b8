import MaaSProtocol
import Testing

@testable import maas

@Suite("LoadRecorder")
struct LoadRecorderTests {
    private let sample = CPUSample(generator: 0, server: nil)

    @Test("--requests N: exactly N calls may start once measuring, and the Nth completion ends the run")
    func exactRequests() {
        let recorder = LoadRecorder(target: 3)
        // Warm-up calls are not counted against N.
        #expect(recorder.mayStart())
        #expect(recorder.record(.ok, latency: .microseconds(100)) == .keepGoing)
        recorder.beginMeasuring(sample)
        #expect((0..<5).map { _ in recorder.mayStart() } == [true, true, true, false, false])
        #expect(recorder.record(.ok, latency: .microseconds(100)) == .keepGoing)
        #expect(recorder.record(.resourceExhausted, latency: .microseconds(10)) == .keepGoing)
        #expect(recorder.record(.ok, latency: .microseconds(100)) == .tookLastRequest)
        #expect(!recorder.mayStart())
        let snapshot = recorder.snapshot()
        #expect(snapshot.ok == 2)
        #expect(snapshot.failures == [.resourceExhausted: 1])
        #expect(snapshot.warmupCompleted == 1)
        #expect(snapshot.phase == .done)
    }

    @Test("a timed run lets calls start until it ends")
    func timedRun() {
        let recorder = LoadRecorder(target: nil)
        recorder.beginMeasuring(sample)
        #expect((0..<100).allSatisfy { _ in recorder.mayStart() })
        #expect(recorder.end())
        #expect(!recorder.mayStart())
        #expect(!recorder.end(), "ending twice reports that it had already ended")
    }
}
