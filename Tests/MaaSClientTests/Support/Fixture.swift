import Foundation

/// Paths of the committed fixtures (copied into the test bundle by Package.swift's `resources`).
enum Fixture {
    static let directory: String = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").path

    static func numpy(_ name: String) -> String { directory + "/numpy/" + name }
}
