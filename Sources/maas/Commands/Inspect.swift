import ArgumentParser
import MaaSEngine

struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a local model file (ONNX or maas plan) without a server.",
        discussion: """
            Shows inputs and outputs with their shapes (-1 = dynamic), operator counts, parameter count, size, \
            and whether the engine can run every operator (naming the first it cannot). Exits 2 when the model \
            cannot be run, as `maas register` would be refused.
            """)

    @OptionGroup var output: OutputOptions

    @Argument(help: "The model file.")
    var file: String

    func run() async throws {
        try await CLIError.reporting {
            let report: ModelReport
            do throws(EngineError) {
                report = try ModelInspector.inspect(fileAt: file)
            } catch {
                let exit: ExitStatus = switch error.kind {
                case .invalidModel: .badInputFile
                case .unsupportedOperator: .invalid
                case .invalidInput, .internalError: .failure
                }
                throw CLIError("\(file): \(error.message)", exit: exit)
            }
            if output.json {
                try JSONOutput.print(InspectionJSON(file: file, report: report))
            } else {
                Terminal.standardOutput.write(Self.text(file: file, report: report))
            }
            if !report.isSupported { throw CLIError("\(file): \(Self.verdict(report))", exit: .invalid) }
        }
    }

    static func verdict(_ report: ModelReport) -> String {
        if report.isSupported { return "yes" }
        if let op = report.firstUnsupported {
            return "no: operator \(op.opType) (node '\(op.node)') is not supported"
        }
        return "no: \(report.problem ?? "the model does not compile")"
    }

    static func text(file: String, report: ModelReport) -> String {
        var format = report.format == .onnx ? "ONNX" : "maas plan"
        var details: [String] = []
        if let opset = report.opsetVersion { details.append("opset \(opset)") }
        if !report.producer.isEmpty { details.append("producer \(report.producer)") }
        if !details.isEmpty { format += " (" + details.joined(separator: ", ") + ")" }
        let operators = report.operatorCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        let nodeCount = report.operatorCounts.values.reduce(0, +)
        var rows: [(String, String)] = [
            ("file", file),
            ("format", format),
            ("size", Units.bytes(UInt64(report.fileSize))),
            ("parameters", Units.grouped(report.parameterCount)),
        ]
        rows += report.inputs.enumerated().map { ($0.offset == 0 ? "inputs" : "", signature($0.element)) }
        rows += report.outputs.enumerated().map { ($0.offset == 0 ? "outputs" : "", signature($0.element)) }
        rows.append((
            "operators",
            operators.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + " (\(nodeCount) nodes)"))
        if !report.metadata.isEmpty {
            rows.append(("metadata", report.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")))
        }
        rows.append(("supported", verdict(report)))
        var table = Table(["", ""])
        for row in rows { table.append([row.0, row.1]) }
        return table.render(header: false)
    }

    private static func signature(_ s: TensorSignature) -> String {
        "\(s.name)  \(s.elementType.rawValue)\(Units.shape(s.shape))"
    }
}
