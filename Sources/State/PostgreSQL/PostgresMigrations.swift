import Foundation
import Logging
import PostgresNIO

extension PostgresStateStore {
    /// The advisory lock migrations hold, so replicas starting together apply each once.
    static let migrationLock: Int64 = 0x636f_6163_6872_6167  // "coachrag"

    static func name(_ migration: PostgresSchema.Migration) -> String { "\(migration.version)-\(migration.name)" }

    public func schemaStatus() async throws -> SchemaStatus {
        try await transaction(.system) { connection in
            let applied = try await appliedVersions(connection)
            let role = try await all(connection.query("SELECT current_user::TEXT, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user", logger: logger)) {
                (try $0[0].decode(String.self), try $0[1].decode(Bool.self), try $0[2].decode(Bool.self))
            }.first
            let security = role.map { role in
                role.1 ? "bypassed: role \(role.0) is a superuser" : role.2 ? "bypassed: role \(role.0) has BYPASSRLS" : "enforced"
            }
            let known = PostgresSchema.migrations.map(Self.name)
            let names = applied.map { version in PostgresSchema.migrations.first { $0.version == version }.map(Self.name) ?? "\(version)-unknown" }
            return SchemaStatus(database: description, known: known, applied: names, rowLevelSecurity: security)
        }
    }

    /// Applies the pending migrations in one transaction under the advisory lock; returns them.
    public func migrate() async throws -> [String] {
        try await transaction(.system) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            let applied = Set(try await appliedVersions(connection))
            if let newer = applied.filter({ $0 > PostgresSchema.latest }).min() {
                throw StateError.unknownSchemaVersion(description, "\(newer)", "\(PostgresSchema.latest)")
            }
            var done: [String] = []
            for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
                // One statement at a time: the extended protocol takes one per query. Our own
                // migrations end each statement with ";" at a line end and never inside a string.
                for statement in migration.sql.components(separatedBy: ";\n") {
                    let sql = statement.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !sql.isEmpty { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                }
                try await connection.query("INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                done.append(Self.name(migration))
            }
            return done
        }
    }

    private func appliedVersions(_ connection: PostgresConnection) async throws -> [Int] {
        guard try await one(connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger), Bool.self) == true else { return [] }
        return try await all(connection.query("SELECT version FROM schema_migrations ORDER BY version", logger: logger)) { try $0[0].decode(Int.self) }
    }
}
