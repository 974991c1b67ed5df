import CSQLite
public import Foundation

/// Embeddings already computed, in SQLite (WAL), keyed by the embedder descriptor and the
/// SHA-256 of the exact text sent to it: re-ingesting unchanged text computes nothing. Every
/// write is a transaction, so a crash leaves the cache consistent (at worst without the last
/// batch). Bounded in size: the least recently written rows go first.
public final class EmbeddingCache: @unchecked Sendable {
    public let url: URL
    private let database: OpaquePointer
    private let lock = NSLock()
    private let maxBytes: Int

    public init(url: URL, maxBytes: Int = 1 << 30) throws(IngestError) {
        self.url = url
        self.maxBytes = maxBytes
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var handle: OpaquePointer?
        guard sqlite3_open_v2(url.path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil) == SQLITE_OK, let handle else {
            throw .cache("cannot open the embedding cache \(url.path)")
        }
        database = handle
        sqlite3_busy_timeout(handle, 5000)
        try execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS embeddings (
                embedder BLOB NOT NULL,
                text_hash BLOB NOT NULL,
                vector BLOB NOT NULL,
                written INTEGER NOT NULL,
                PRIMARY KEY (embedder, text_hash)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS embeddings_written ON embeddings(written);
            """)
    }

    deinit { sqlite3_close_v2(database) }

    public static func key(descriptor: [UInt8]) -> [UInt8] { SHA256.hash(descriptor) }
    public static func key(text: String) -> [UInt8] { SHA256.hash(text.utf8) }

    /// Vectors found for `textHashes` (nil where absent), in order.
    public func lookup(embedder: [UInt8], textHashes: [[UInt8]], dimension: Int) -> [[Float]?] {
        lock.withLock {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(database, "SELECT vector FROM embeddings WHERE embedder = ? AND text_hash = ?", -1, &statement, nil) == SQLITE_OK else {
                return textHashes.map { _ in nil }
            }
            defer { sqlite3_finalize(statement) }
            return textHashes.map { hash in
                sqlite3_reset(statement)
                bind(statement, 1, embedder)
                bind(statement, 2, hash)
                guard sqlite3_step(statement) == SQLITE_ROW, let blob = sqlite3_column_blob(statement, 0) else { return nil }
                let bytes = Int(sqlite3_column_bytes(statement, 0))
                guard bytes == dimension * 4 else { return nil }
                return Array(UnsafeBufferPointer(start: blob.assumingMemoryBound(to: Float.self), count: dimension))
            }
        }
    }

    /// Stores vectors in one transaction.
    public func store(embedder: [UInt8], entries: [(textHash: [UInt8], vector: [Float])], time: Int64) throws(IngestError) {
        lock.lock()
        defer { lock.unlock() }
        do {
            try execute("BEGIN IMMEDIATE")
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(database, "INSERT OR REPLACE INTO embeddings (embedder, text_hash, vector, written) VALUES (?, ?, ?, ?)", -1, &statement, nil) == SQLITE_OK else {
                _ = try? execute("ROLLBACK")
                throw .cache("cannot write to the embedding cache \(url.path)")
            }
            defer { sqlite3_finalize(statement) }
            for entry in entries {
                sqlite3_reset(statement)
                bind(statement, 1, embedder)
                bind(statement, 2, entry.textHash)
                entry.vector.withUnsafeBytes { _ = sqlite3_bind_blob(statement, 3, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT_VALUE) }
                sqlite3_bind_int64(statement, 4, time)
                guard sqlite3_step(statement) == SQLITE_DONE else {
                    _ = try? execute("ROLLBACK")
                    throw .cache("cannot write to the embedding cache \(url.path): \(String(cString: sqlite3_errmsg(database)))")
                }
            }
            try execute("COMMIT")
            try prune()
        }
    }

    /// Keeps the database under `maxBytes` by deleting the oldest rows.
    private func prune() throws(IngestError) {
        guard let size = try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int, size > maxBytes else { return }
        try execute("""
            DELETE FROM embeddings WHERE (embedder, text_hash) IN
                (SELECT embedder, text_hash FROM embeddings ORDER BY written LIMIT (SELECT COUNT(*) / 4 FROM embeddings))
            """)
    }

    private func execute(_ sql: String) throws(IngestError) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(database, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw .cache("embedding cache \(url.path): \(text)")
        }
    }

    private func bind(_ statement: OpaquePointer?, _ index: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT_VALUE) }
    }
}

/// SQLite's SQLITE_TRANSIENT (a destructor of -1: copy the bound bytes).
private let SQLITE_TRANSIENT_VALUE = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
