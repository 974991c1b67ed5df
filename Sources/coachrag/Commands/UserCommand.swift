import ArgumentParser
import Foundation
import State

/// `coachrag user create`: bootstrap admins, creators and members in the state database.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage users in the server's state database.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a user (the first admin, a creator with its tenant, or a member).",
            discussion: """
                A creator owns the tenant named by --creator (created with it); a member joins an \
                existing creator's tenant; an admin has none. Passwords must be 10+ characters \
                with 5+ different characters, not a common password, not containing the email \
                name; they are stored as Argon2id hashes. Safe while the server runs.
                Exit status: 0 created; 1 refused (email taken, unknown creator, weak password, the database cannot be opened); 2 usage.
                """
        )

        @Option(help: "Email address (the login).") var email: String
        @Option(help: "admin, creator or member.") var role: String
        @Option(help: "The creator id: the tenant a creator owns or a member joins.") var creator: String?
        @Option(help: "The password (visible in the process list: prefer --password-stdin).") var password: String?
        @Flag(help: "Read the password from standard input (first line).") var passwordStdin = false
        @OptionGroup var store: StateOptions
        @Flag(help: "Print the created user as JSON.") var json = false

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be admin, creator or member") }
            guard (password != nil) != passwordStdin else { throw ValidationError("give exactly one of --password and --password-stdin") }
        }

        func run() async throws {
            let secret = passwordStdin ? (readLine(strippingNewline: true) ?? "") : (password ?? "")
            do {
                let normalised = try EmailAddress.normalised(email)
                if let problem = PasswordPolicy.problem(with: secret, email: normalised) { throw StateError.weakPassword(problem) }
                let state = try await store.open()
                let hash = try await PasswordHasher().hash(secret)
                let user: User
                do {
                    user = try await state.createUser(email: normalised, passwordHash: hash, role: Role(rawValue: role) ?? .member, creator: creator)
                } catch {
                    try? await state.close()
                    throw error
                }
                try await state.close()
                if json {
                    Output.jsonLine(["id": user.id, "email": user.email, "role": user.role.rawValue, "creator": user.creator ?? ""])
                } else {
                    Output.standardOutput("created \(user.role.rawValue) \(user.email)\(user.creator.map { " (creator \($0))" } ?? "")")
                }
            } catch let error as StateError {
                Output.error("\(error)")
                throw ExitCode(ExitStatus.someInputFailed)
            }
        }
    }
}
