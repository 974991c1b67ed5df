import ArgumentParser
import Foundation
import State

/// Where the commands that touch the state (`user`, `db`) find it: the same store `serve` uses.
struct StateOptions: ParsableArguments {
    @Option(help: "State folder, holding the SQLite database unless --database says (default: ./state, or $COACHRAG_STATE).")
    var state: String = ProcessInfo.processInfo.environment["COACHRAG_STATE"] ?? "state"
    @Option(help: "State store: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require] (default: $COACHRAG_DATABASE_URL, else SQLite in the state folder).")
    var database: String? = ProcessInfo.processInfo.environment["COACHRAG_DATABASE_URL"]

    func location() throws(StateError) -> DatabaseLocation {
        try database.map(DatabaseLocation.init(parsing:)) ?? .sqlite(inStateDirectory: URL(fileURLWithPath: state))
    }

    /// Opens the store; with `migrate`, applies pending migrations first.
    func open(migrate: Bool = true) async throws -> any StateStore {
        try await StateStores.open(try location(), migrate: migrate)
    }
}
