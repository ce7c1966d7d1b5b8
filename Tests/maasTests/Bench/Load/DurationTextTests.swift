import Testing
@testable import maas

@Suite("DurationText")
struct DurationTextTests {
    @Test("reads the durations people type", arguments: [
        ("10s", Duration.seconds(10)), ("1.5s", .milliseconds(1500)), ("500ms", .milliseconds(500)),
        ("2m", .seconds(120)), ("1h", .seconds(3600)), ("10", .seconds(10)), ("0", .zero), ("5.0s", .seconds(5)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test("refuses what is not a duration", arguments: ["", "s", "ms", "-1s", "10x", "1e3", "inf", "nan", "25h", "1.2.3s", " 1s", "1 s"])
    func refuses(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test("formats for people", arguments: [(Duration.seconds(10), "10 s"), (.milliseconds(2500), "2.5 s"), (.milliseconds(300), "300 ms")])
    func formats(duration: Duration, expected: String) {
        #expect(DurationText.format(duration) == expected)
    }
}
