public import Foundation
import GRDB

extension SQLiteStateStore {
    public func createAPIKey(userID: String, name: String, keyHash: String, scopes: Set<APIKeyScope>, expiresAt: Date?,
                             allowedOrigins: [String]?) async throws -> APIKey {
        let key = APIKey(userID: userID, name: name, keyHash: keyHash, scopes: scopes, expiresAt: expiresAt, allowedOrigins: allowedOrigins)
        try await pool.write { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys WHERE user_id = ?", arguments: [userID]) ?? 0
            guard count < StateLimits.apiKeysPerUser else { throw StateError.limitReached("API keys per user", StateLimits.apiKeysPerUser) }
            try key.insert(db)
        }
        return key
    }

    public func apiKeys(userID: String) async throws -> [APIKey] {
        try await pool.read { db in try APIKey.filter(Column("user_id") == userID).order(Column("created_at")).fetchAll(db) }
    }

    public func apiKey(hash: String) async throws -> (key: APIKey, user: User)? {
        try await pool.write { db in
            guard let key = try APIKey.filter(Column("key_hash") == hash).fetchOne(db) else { return nil }
            try db.execute(sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [Date(), key.id])
            return try User.fetchOne(db, key: key.userID).map { (key, $0) }
        }
    }

    public func chatKeyAllows(origin: String, now: Date) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM api_keys
                    WHERE (expires_at IS NULL OR expires_at > ?)
                      AND instr(',' || scopes || ',', ',chat,') > 0
                      AND instr(char(10) || allowed_origins || char(10), char(10) || ? || char(10)) > 0)
                """, arguments: [now, origin.lowercased()]) ?? false
        }
    }

    public func deleteAPIKey(id: String, userID: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM api_keys WHERE id = ? AND user_id = ?", arguments: [id, userID])
            return db.changesCount > 0
        }
    }
}
