public import Foundation
import GRDB

/// The server's state: users, creators, sessions, API keys, login failures, conversations and
/// messages, in one SQLite database (WAL, foreign keys, busy timeout, versioned migrations).
/// Every write is one transaction. Safe to share between tasks (GRDB's pool serialises writes
/// and runs reads concurrently), and between processes (`coachrag user create` while the
/// server runs).
public final class StateStore: Sendable {
    public static let fileName = "coachrag.sqlite"
    let pool: DatabasePool
    public let path: String

    /// Opens (creating and migrating) `<directory>/coachrag.sqlite`.
    public init(directory: URL) throws(StateError) {
        path = directory.appendingPathComponent(Self.fileName).path
        do {
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
            try Schema.migrator.migrate(pool)
            chmod(path, 0o600)
        } catch {
            throw .database(path, "\(error)")
        }
    }

    /// A cheap readiness probe.
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

    public func close() throws {
        try pool.close()
    }

    static func newID() -> String { UUID().uuidString.lowercased() }
}
