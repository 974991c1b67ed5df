public import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func createAPIKey(userID: String, name: String, keyHash: String, scopes: Set<APIKeyScope>, expiresAt: Date?,
                             allowedOrigins: [String]?) async throws -> APIKey {
        let key = APIKey(userID: userID, name: name, keyHash: keyHash, scopes: scopes, expiresAt: expiresAt, allowedOrigins: allowedOrigins)
        try await transaction(.user(userID)) { connection in
            // The user's row, locked: two replicas creating keys at once cannot both pass the bound.
            try await connection.query("SELECT 1 FROM users WHERE id = \(userID) FOR UPDATE", logger: logger)
            let count = try await one(connection.query("SELECT COUNT(*)::BIGINT FROM api_keys WHERE user_id = \(userID)", logger: logger), Int.self) ?? 0
            guard count < StateLimits.apiKeysPerUser else { throw StateError.limitReached("API keys per user", StateLimits.apiKeysPerUser) }
            try await connection.query("""
                INSERT INTO api_keys (id, user_id, name, key_hash, created_at, scopes, expires_at, allowed_origins)
                VALUES (\(key.id), \(key.userID), \(key.name), \(key.keyHash), \(key.createdAt), \(key.scopesText), \(key.expiresAt), \(key.allowedOriginsText))
                """, logger: logger)
        }
        return key
    }

    public func apiKeys(userID: String) async throws -> [APIKey] {
        try await transaction(.user(userID)) { connection in
            try await all(connection.query("SELECT \(unescaped: PostgresRows.apiKeyColumns) FROM api_keys WHERE user_id = \(userID) ORDER BY created_at",
                                           logger: logger), PostgresRows.apiKey)
        }
    }

    public func apiKey(hash: String) async throws -> (key: APIKey, user: User)? {
        let found = try await transaction(.authentication) { connection -> KeyAndUser? in
            guard let key = try await all(connection.query("SELECT \(unescaped: PostgresRows.apiKeyColumns) FROM api_keys WHERE key_hash = \(hash)", logger: logger),
                                          PostgresRows.apiKey).first else { return nil }
            try await Self.act(.user(key.userID), on: connection, logger: logger)
            try await connection.query("UPDATE api_keys SET last_used_at = \(Date()) WHERE id = \(key.id)", logger: logger)
            let user = try await all(connection.query("SELECT \(unescaped: PostgresRows.userColumns) FROM users WHERE id = \(key.userID)", logger: logger), PostgresRows.user).first
            return user.map { KeyAndUser(key: key, user: $0) }
        }
        return found.map { (key: $0.key, user: $0.user) }
    }

    public func chatKeyAllows(origin: String, now: Date) async throws -> Bool {
        try await transaction(.authentication) { connection in
            try await one(connection.query("""
                SELECT 1 FROM api_keys
                WHERE (expires_at IS NULL OR expires_at > \(now))
                  AND position(',chat,' IN ',' || scopes || ',') > 0
                  AND position(E'\\n' || \(origin.lowercased()) || E'\\n' IN E'\\n' || allowed_origins || E'\\n') > 0
                LIMIT 1
                """, logger: logger), Int.self) != nil
        }
    }

    public func deleteAPIKey(id: String, userID: String) async throws -> Bool {
        try await transaction(.user(userID)) { connection in
            try await one(connection.query("DELETE FROM api_keys WHERE id = \(id) AND user_id = \(userID) RETURNING 1", logger: logger), Int.self) != nil
        }
    }

    private struct KeyAndUser: Sendable { let key: APIKey; let user: User }
}
