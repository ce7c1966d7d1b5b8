import ArgumentParser

@main
struct Maas: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maas",
        abstract: "Model-as-a-Service: serve models, register versions, run predictions.",
        discussion: ExitStatus.helpTable,
        subcommands: [Serve.self, Register.self, Versions.self, Predict.self, Train.self, Evaluate.self, Inspect.self, Bench.self]
    )
}
