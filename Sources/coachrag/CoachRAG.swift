import ArgumentParser
import Foundation

/// The one coachrag executable: a thin layer of subcommands over the library targets.
@main
struct CoachRAG: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coachrag",
        abstract: "The knowledge engine of a coaching platform: documents in, cited answers out.",
        discussion: """
            Exit status: 0 success; 1 some input failed (the rest was still processed); \
            2 usage or configuration error; 3 the embedder is unreachable or misconfigured; 4 a new index version failed its evaluation gate and was not published.
            Environment: NO_COLOR disables colour; COACHRAG_MODELS points at the models directory; OLLAMA_HOST at Ollama.
            """,
        version: CoachRAG.version,
        subcommands: [IngestCommand.self, SearchCommand.self, EvalCommand.self, ServeCommand.self, UserCommand.self, DatabaseCommand.self, KeysCommand.self, IndexCommand.self, ParseCommand.self, ChunkCommand.self, EmbedCommand.self, PDFWorkerSubcommand.self]
    )

    /// The release this binary is; `coachrag --version`.
    static let version = "0.4.0"

    /// Like ArgumentParser's own entry point, but usage errors exit with 2 (documented),
    /// not sysexits' 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Output.standardError(fullMessage(for: error))
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// Exit statuses shared by every subcommand (see `coachrag --help`).
enum ExitStatus {
    static let success: Int32 = 0
    static let someInputFailed: Int32 = 1
    static let usage: Int32 = 2
    static let embedderUnavailable: Int32 = 3
    /// The new index version failed its pipeline's evaluation gate and was not published.
    static let evaluationGate: Int32 = 4
}
