import ArgumentParser

/// `--json`: machine-readable output on stdout instead of text for people.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print the result as JSON on stdout (errors stay one line on stderr).")
    var json = false
}
