import Foundation
import Testing
@testable import MaaSAudio

@Suite("MFCCConfiguration")
struct MFCCConfigurationTests {
    @Test("defaults are librosa 0.11's")
    func librosaDefaults() {
        let c = MFCCConfiguration.librosaDefault
        #expect(c.sampleRate == 22050 && c.nFFT == 2048 && c.hopLength == 512 && c.nMels == 128 && c.nMFCC == 20)
        #expect(c.fMin == 0 && c.fMax == nil && c.effectiveFMax == 11025 && c.power == 2 && c.topDB == 80)
        #expect(c.center && c.peakNormalize && c.melScale == .slaney && c.melNormalization == .slaney && c.lifter == 0)
        let s = MFCCConfiguration.speech16k
        #expect(s.sampleRate == 16000 && s.nFFT == 512 && s.hopLength == 160 && s.nMels == 40 && s.nMFCC == 13)
    }

    @Test("JSON names only what differs; missing keys take librosa's defaults")
    func partialJSON() throws {
        let json = #"{"sampleRate": 16000, "nFFT": 400, "hopLength": 160, "nMels": 40, "nMFCC": 13, "topDB": null}"#
        let c = try JSONDecoder().decode(MFCCConfiguration.self, from: Data(json.utf8))
        #expect(c.sampleRate == 16000 && c.nFFT == 400 && c.topDB == nil && c.power == 2 && c.melScale == .slaney)
        let back = try JSONDecoder().decode(MFCCConfiguration.self, from: JSONEncoder().encode(c))
        #expect(back == c)
        #expect(try JSONDecoder().decode(MFCCConfiguration.self, from: Data("{}".utf8)) == .librosaDefault)
    }

    static func with(_ change: (inout MFCCConfiguration) -> Void) -> MFCCConfiguration {
        var c = MFCCConfiguration.librosaDefault
        change(&c)
        return c
    }

    static let invalid: [(name: String, configuration: MFCCConfiguration)] = [
        ("sampleRate", with { $0.sampleRate = 0 }),
        ("nFFT", with { $0.nFFT = 1 }),
        ("nFFT", with { $0.nFFT = 1 << 20 }),
        ("hopLength", with { $0.hopLength = 0 }),
        ("winLength", with { $0.winLength = 4096 }),
        ("power", with { $0.power = 0 }),
        ("nMels", with { $0.nMels = 0 }),
        ("fMin", with { $0.fMin = -1 }),
        ("fMax", with { $0.fMax = 20000 }),
        ("fMax", with { $0.fMin = 5000; $0.fMax = 4000 }),
        ("amin", with { $0.amin = 0 }),
        ("topDB", with { $0.topDB = -.infinity }),
        ("nMFCC", with { $0.nMFCC = 200 }),
        ("lifter", with { $0.lifter = .nan }),
    ]

    @Test("a configuration that cannot work is refused by name", arguments: invalid)
    func rejectsInvalid(name: String, configuration: MFCCConfiguration) {
        #expect {
            try FeatureExtractor(configuration)
        } throws: { error in
            guard case .invalidParameter(let which, _) = (error as? AudioError)?.kind else { return false }
            return which == name
        }
    }
}
