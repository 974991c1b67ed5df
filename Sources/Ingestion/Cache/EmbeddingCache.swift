import Crypto
public import Foundation
import GRDB

/// Embeddings already computed, in SQLite through GRDB (WAL), keyed by the embedder descriptor
/// and the SHA-256 of the exact text sent to it: re-ingesting unchanged text computes nothing.
/// Every write is a transaction, so a crash leaves the cache consistent (at worst without the
/// last batch). Bounded in size: the least recently written rows go first.
public final class EmbeddingCache: Sendable {
    public let url: URL
    private let pool: DatabasePool
    private let maxBytes: Int

    public init(url: URL, maxBytes: Int = 1 << 30) throws(IngestError) {
        self.url = url
        self.maxBytes = maxBytes
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.journalMode = .wal
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            pool = try DatabasePool(path: url.path, configuration: configuration)
            try pool.write { db in
                try db.execute(sql: """
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
        } catch {
            throw .cache("cannot open the embedding cache \(url.path): \(error)")
        }
    }

    public static func key(descriptor: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: descriptor)) }
    public static func key(text: String) -> [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    /// Vectors found for `textHashes` (nil where absent, or of another dimension), in order.
    public func lookup(embedder: [UInt8], textHashes: [[UInt8]], dimension: Int) -> [[Float]?] {
        let found = try? pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT vector FROM embeddings WHERE embedder = ? AND text_hash = ?")
            return try textHashes.map { hash -> [Float]? in
                guard let blob = try Data.fetchOne(statement, arguments: [Data(embedder), Data(hash)]), blob.count == dimension * 4 else { return nil }
                return blob.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
        }
        return found ?? textHashes.map { _ in nil }
    }

    /// Stores vectors in one transaction.
    public func store(embedder: [UInt8], entries: [(textHash: [UInt8], vector: [Float])], time: Int64) throws(IngestError) {
        do {
            try pool.write { db in
                let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO embeddings (embedder, text_hash, vector, written) VALUES (?, ?, ?, ?)")
                for entry in entries {
                    try statement.execute(arguments: [Data(embedder), Data(entry.textHash), entry.vector.withUnsafeBytes { Data($0) }, time])
                }
            }
            try prune()
        } catch {
            throw .cache("cannot write to the embedding cache \(url.path): \(error)")
        }
    }

    /// Keeps the database under `maxBytes` by deleting the oldest quarter of the rows.
    private func prune() throws {
        guard let size = try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int, size > maxBytes else { return }
        try pool.write { db in
            try db.execute(sql: """
                DELETE FROM embeddings WHERE (embedder, text_hash) IN
                    (SELECT embedder, text_hash FROM embeddings ORDER BY written LIMIT (SELECT COUNT(*) / 4 FROM embeddings))
                """)
        }
    }
}
