import ArgumentParser
import Foundation
import Server

/// `coachrag keys rotate`: replace the server's JWT signing key without logging anyone out.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the server's JWT signing key.",
        subcommands: [Rotate.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new signing key; the current one keeps verifying until its tokens expire.",
            discussion: """
                Moves <state>/jwt-signing-key.pem to jwt-signing-key.previous.pem (replacing an \
                older previous key) and writes a new key (mode 0600, fsynced). Restart the server \
                (replicas one at a time): the new key signs, both keys verify and are in the JWKS, \
                so access tokens issued before the rotation stay valid for their 15 minutes. Rotate \
                again at least 15 minutes later to retire the old key for good.
                Exit status: 0 rotated; 1 the key could not be read or written; 2 usage.
                """
        )

        @Option(help: "State folder: the SQLite database and the signing key (default: ./state, or $COACHRAG_STATE).")
        var state: String = ProcessInfo.processInfo.environment["COACHRAG_STATE"] ?? "state"

        func run() async throws {
            do {
                let file = try CoachServer.rotateSigningKey(stateDirectory: URL(fileURLWithPath: state))
                Output.standardOutput("new signing key: \(file) (the previous key still verifies after the next start)")
            } catch {
                Output.error("\(error)")
                throw ExitCode(ExitStatus.someInputFailed)
            }
        }
    }
}
