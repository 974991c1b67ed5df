import ArgumentParser

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "coachrag-bench", abstract: "coachrag benchmarks.")
}
