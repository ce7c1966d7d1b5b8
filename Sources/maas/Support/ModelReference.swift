import ArgumentParser
import MaaSProtocol

/// `NAME` or `NAME:VERSION` (`speech`, `speech:3`, `speech:latest`); version 0 means the latest.
struct ModelReference: Equatable {
    var name: String
    var version: Int64

    init(parsing text: String) throws {
        var name = text
        var version: Int64 = 0
        // Model names cannot contain ':', so the last one separates the version.
        if let colon = text.lastIndex(of: ":") {
            name = String(text[..<colon])
            let suffix = text[text.index(after: colon)...]
            if suffix == "latest" {
                version = 0
            } else if let number = Int64(suffix), number > 0 {
                version = number
            } else {
                throw ValidationError("'\(text)': the version after ':' must be a positive number or 'latest'")
            }
        }
        do {
            try ModelName.validate(name)
        } catch {
            throw ValidationError(error.message)
        }
        self.name = name
        self.version = version
    }

    var display: String { version == 0 ? name : "\(name):\(version)" }
}
