public import Foundation
import GRDB

extension StateStore {
    /// Keys one user may hold.
    public static let maxAPIKeysPerUser = 100

    public func createAPIKey(userID: String, name: String, keyHash: String, scopes: Set<APIKeyScope>, expiresAt: Date? = nil,
                             allowedOrigins: [String]? = nil) throws -> APIKey {
        let key = APIKey(id: Self.newID(), userID: userID, name: name, keyHash: keyHash, createdAt: Date(), lastUsedAt: nil,
                         scopesText: APIKeyScope.allCases.filter(scopes.contains).map(\.rawValue).joined(separator: ","),
                         expiresAt: expiresAt, allowedOriginsText: allowedOrigins.map { $0.joined(separator: "\n") })
        try pool.write { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys WHERE user_id = ?", arguments: [userID]) ?? 0
            guard count < Self.maxAPIKeysPerUser else { throw StateError.limitReached("API keys per user", Self.maxAPIKeysPerUser) }
            try key.insert(db)
        }
        return key
    }

    public func apiKeys(userID: String) throws -> [APIKey] {
        try pool.read { db in try APIKey.filter(Column("user_id") == userID).order(Column("created_at")).fetchAll(db) }
    }

    /// A key and its owner, touching its last use (expired keys are returned too: the caller
    /// says why it refuses them).
    public func apiKey(hash: String) throws -> (key: APIKey, user: User)? {
        try pool.write { db in
            guard let key = try APIKey.filter(Column("key_hash") == hash).fetchOne(db) else { return nil }
            try db.execute(sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [Date(), key.id])
            return try User.fetchOne(db, key: key.userID).map { (key, $0) }
        }
    }

    /// Deletes a key of `userID`; false when there is no such key of theirs.
    public func deleteAPIKey(id: String, userID: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM api_keys WHERE id = ? AND user_id = ?", arguments: [id, userID])
            return db.changesCount > 0
        }
    }
}
