import ArgumentParser

@main
struct CoachRAG: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "coachrag", abstract: "The knowledge engine of a coaching platform.")
}
