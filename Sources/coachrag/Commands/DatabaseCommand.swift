import ArgumentParser
import Foundation
import State

/// `coachrag db status|migrate`: the state database's schema, for operators.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Show or migrate the state database's schema (SQLite or PostgreSQL).",
        discussion: """
            `serve` and `user create` apply pending migrations themselves at start; `db migrate` \
            does it ahead of a rollout (one replica's job), `db migrate --dry-run` lists what it \
            would apply. A database migrated by a newer coachrag is refused by every command.
            Exit status: 0 done; 1 the database cannot be opened, or is newer than this binary; 2 usage.
            """,
        subcommands: [Status.self, Migrate.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the database, its applied and pending migrations, and (PostgreSQL) whether row-level security binds the role.",
            discussion: "With --json prints {\"database\", \"applied\", \"pending\", \"row_level_security\"}.")
        @OptionGroup var store: StateOptions
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let status = try await DatabaseCommand.withStore(store) { try await $0.schemaStatus() }
            DatabaseCommand.print(status, json: json)
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply the pending migrations (each backend's own, in order).")
        @OptionGroup var store: StateOptions
        @Flag(help: "Only list what would be applied.") var dryRun = false

        func run() async throws {
            let applied = try await DatabaseCommand.withStore(store) { state in
                dryRun ? try await state.schemaStatus().pending : try await state.migrate()
            }
            let verb = dryRun ? "would apply" : "applied"
            Output.standardOutput(applied.isEmpty ? "up to date: nothing to apply" : "\(verb) \(applied.joined(separator: ", "))")
        }
    }

    /// Opens the store without migrating, runs `body`, closes it; errors are printed once here.
    static func withStore<T: Sendable>(_ options: StateOptions, _ body: (any StateStore) async throws -> T) async throws -> T {
        do {
            let state = try await options.open(migrate: false)
            do {
                let result = try await body(state)
                try await state.close()
                return result
            } catch {
                try? await state.close()
                throw error
            }
        } catch let error as StateError {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.someInputFailed)
        }
    }

    private struct StatusJSON: Encodable {
        var database: String
        var applied: [String]
        var pending: [String]
        var row_level_security: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(database, forKey: .database)
            try container.encode(applied, forKey: .applied)
            try container.encode(pending, forKey: .pending)
            try container.encode(row_level_security, forKey: .row_level_security)  // null for SQLite, not left out
        }

        enum CodingKeys: String, CodingKey { case database, applied, pending, row_level_security }
    }

    static func print(_ status: SchemaStatus, json: Bool) {
        if json {
            Output.jsonLine(StatusJSON(database: status.database, applied: status.applied, pending: status.pending, row_level_security: status.rowLevelSecurity))
        } else {
            var lines = ["database: \(status.database)", "applied: \(status.applied.isEmpty ? "none" : status.applied.joined(separator: ", "))",
                         "pending: \(status.pending.isEmpty ? "none" : status.pending.joined(separator: ", "))"]
            if let security = status.rowLevelSecurity { lines.append("row-level security: \(security)") }
            Output.standardOutput(lines.joined(separator: "\n"))
        }
    }
}
