import MaaSModelConfig
import MaaSProtocol
import Testing

@Suite("ClassesConfig")
struct ClassesConfigTests {
    @Test("names only: mean of log-probabilities, top 5, no CTC, the output inferred")
    func defaults() throws {
        let config = try #require(
            try ServingConfig(json: Array(#"{"classes": {"names": ["yes", "no"]}}"#.utf8), source: "m").classes)
        #expect(config == ClassesConfig(names: ["yes", "no"]))
        #expect(config.effectiveTopK == 5)
        #expect(config.labels == ClassLabels(names: ["yes", "no"]))
    }

    @Test("the wire form reads back the same, a zero top_k meaning the default")
    func wireRoundTrip() {
        for config in [
            ClassesConfig(names: ["a"]),
            ClassesConfig(names: ["", "a", "b"], output: "logits", clipDecision: .lastFrame, topK: 3, ctcBlank: 0),
        ] {
            #expect(ClassesConfig(labels: config.labels) == config)
        }
        #expect(ClassesConfig(labels: ClassLabels(names: ["a"], topK: 0)).topK == nil)
    }

    @Test("validate refuses labels that cannot work", arguments: [
        (ClassesConfig(names: []), "names is empty"),
        (ClassesConfig(names: ["a", ""]), "name 1 is empty (only the CTC blank may be unnamed)"),
        (ClassesConfig(names: ["a", "b", "a"]), "'a' is both class 0 and class 2"),
        (ClassesConfig(names: ["a"], topK: 0), "topK must be at least 1, got 0"),
        (ClassesConfig(names: ["a", "b"], ctcBlank: 2), "ctcBlank 2 is not a class index (0...1)"),
        (ClassesConfig(names: ["a", "b"], ctcBlank: -1), "ctcBlank -1 is not a class index"),
        (ClassesConfig(names: [String(repeating: "x", count: 257)]), "name 0 is 257 bytes, over the limit of 256"),
        (ClassesConfig(names: (0...65536).map(String.init)), "65537 names, over the limit of 65536"),
    ])
    func refused(config: ClassesConfig, message: String) {
        #expect {
            try config.validate()
        } throws: { error in
            (error as? ConfigError)?.message.contains(message) == true
        }
    }

    @Test("the CTC blank alone may be unnamed; several unnamed classes are still refused")
    func unnamedBlank() throws {
        try ClassesConfig(names: ["", "a", "b"], ctcBlank: 0).validate()
        #expect(throws: ConfigError.self) { try ClassesConfig(names: ["", "", "b"], ctcBlank: 0).validate() }
    }
}
