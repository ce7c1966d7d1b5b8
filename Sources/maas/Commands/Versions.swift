import ArgumentParser
import MaaSClient
import MaaSProtocol

struct Versions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the registered versions of a model, newest first.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The model name.")
    var name: String

    func validate() throws {
        do {
            try ModelName.validate(name)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        try await CLIError.reporting {
            let versions = try await connection.withClient { client in
                do throws(RPCError) {
                    return try await client.listVersions(name: name, timeout: connection.callTimeout)
                } catch {
                    let hint = error.code == .notFound ? "`maas register \(name) FILE` uploads its first version" : nil
                    throw CLIError(error, hint: hint, target: connection.address.display)
                }
            }
            if output.json {
                try JSONOutput.print(versions.map(ModelVersionJSON.init))
            } else {
                Terminal.standardOutput.write(Self.table(versions).render())
            }
        }
    }

    static func table(_ versions: [ModelVersion]) -> Table {
        var table = Table(["VERSION", "FORMAT", "SIZE", "SHA256", "CREATED (UTC)", "INPUTS", "OUTPUTS", "AUDIO", "CLASSES", "DESCRIPTION"])
        for v in versions {
            table.append([
                String(v.version), v.format.name, Units.bytes(v.sizeBytes), String(v.sha256.prefix(12)),
                Units.utcDateTime(unixMilliseconds: v.createdAtUnixMs),
                v.inputs.map(\.summary).joined(separator: ", "), v.outputs.map(\.summary).joined(separator: ", "),
                ServingSummary.audio(v.audio), ServingSummary.classes(v.classes), v.description,
            ])
        }
        return table
    }
}
