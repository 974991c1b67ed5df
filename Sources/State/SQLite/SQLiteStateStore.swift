public import Foundation
import GRDB

/// The state in one SQLite database (WAL, foreign keys, busy timeout, versioned migrations):
/// the embedded default. Every write is one transaction. Safe to share between tasks (GRDB's
/// pool serialises writes and runs reads concurrently), and between processes (`coachrag user
/// create` while the server runs); not between machines (that is `PostgresStateStore`).
public final class SQLiteStateStore: StateStore {
    public static let fileName = "coachrag.sqlite"
    let pool: DatabasePool
    public let path: String

    /// Opens (creating and migrating) `<directory>/coachrag.sqlite`.
    public convenience init(directory: URL) throws(StateError) {
        try self.init(path: directory.appendingPathComponent(Self.fileName).path)
    }

    /// Opens the database at `path`, creating it (and its folder, 0700; the file 0600). With
    /// `migrate`, pending migrations are applied; a database a newer binary migrated is refused.
    public init(path: String, migrate: Bool = true) throws(StateError) {
        self.path = path
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // 0600 from the first byte (SQLite gives the -wal and -shm files the same mode).
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            if fd >= 0 { Glibc.close(fd) }
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.busyMode = .timeout(5)
            configuration.journalMode = .wal
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            let unknown = try pool.read { db in try SQLiteSchema.migrator.appliedIdentifiers(db).subtracting(SQLiteSchema.migrator.migrations) }
            if !unknown.isEmpty {
                throw StateError.unknownSchemaVersion("sqlite:\(path)", unknown.sorted().joined(separator: ", "), SQLiteSchema.migrator.migrations.last ?? "none")
            }
            if migrate { try SQLiteSchema.migrator.migrate(pool) }
            chmod(path, 0o600)
        } catch let error as StateError {
            throw error
        } catch {
            throw .database(path, "\(error)")
        }
    }

    public var description: String { "sqlite:\(path)" }

    public func check() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// The database's size in bytes (pages × page size, as of the latest commit, whether or not
    /// it has been checkpointed out of the write-ahead log; the log itself is reused and stays
    /// under SQLite's auto-checkpoint of 1,000 pages, about 4 MB).
    public func databaseBytes() async throws -> Int {
        try await pool.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0) * (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
    }

    public func schemaStatus() async throws -> SchemaStatus {
        let applied = try await pool.read { db in try SQLiteSchema.migrator.appliedMigrations(db) }
        return SchemaStatus(database: description, known: SQLiteSchema.migrator.migrations, applied: applied, rowLevelSecurity: nil)
    }

    public func migrate() async throws -> [String] {
        let before = try await schemaStatus().pending
        try SQLiteSchema.migrator.migrate(pool)
        return before
    }

    public func close() async throws {
        try pool.close()
    }
}
