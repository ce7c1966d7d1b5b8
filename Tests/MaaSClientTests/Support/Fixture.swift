/// Paths of committed fixtures, found next to this source file so the tests run the same from `swift test`
/// and from a fresh clone in CI.
enum Fixture {
    static let directory: String = {
        let here = #filePath
        let supportDir = here[..<here.lastIndex(of: "/")!]
        let testsDir = supportDir[..<supportDir.lastIndex(of: "/")!]
        return testsDir + "/Fixtures"
    }()

    static func numpy(_ name: String) -> String { directory + "/numpy/" + name }
}
