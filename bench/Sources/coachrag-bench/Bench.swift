import ArgumentParser

/// The benchmark runner: one subcommand per figure family. Run in release:
/// `swift run -c release coachrag-bench NAME`.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coachrag-bench",
        abstract: "coachrag benchmarks (run with -c release from the package root).",
        subcommands: [
            RunCommand.self,
            ReadmeCommand.self,
            DocumentsBench.self,
            TokenizerBench.self,
            ANNBench.self,
            EmbedBench.self,
            OllamaClientBench.self,
            IngestBench.self,
            ServerBench.self,
            RetrievalBench.self,
            ReplicasBench.self,
        ]
    )
}
