public import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func startSession(userID: String, refreshHash: String, expiresAt: Date) async throws -> String {
        let family = RowID.make()
        try await transaction(.user(userID)) { connection in
            try await connection.query("INSERT INTO session_families (id, user_id, created_at) VALUES (\(family), \(userID), \(Date()))", logger: logger)
            try await connection.query("""
                INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at) VALUES (\(refreshHash), \(family), \(userID), \(expiresAt))
                """, logger: logger)
        }
        return family
    }

    public func rotateRefreshToken(hash: String, nextHash: String, nextExpiresAt: Date, now: Date) async throws -> RefreshOutcome {
        try await transaction(.authentication) { connection -> RefreshOutcome in
            // Found by its hash, then locked and changed as its owner (replicas racing on one
            // token: the second waits for the first and sees it spent).
            guard let owner = try await one(connection.query("SELECT user_id FROM refresh_tokens WHERE token_hash = \(hash)", logger: logger), String.self) else {
                return .invalid
            }
            try await Self.act(.user(owner), on: connection, logger: logger)
            let token = try await all(connection.query("""
                SELECT t.family_id, t.expires_at, t.spent_at, f.revoked_at FROM refresh_tokens t JOIN session_families f ON f.id = t.family_id
                WHERE t.token_hash = \(hash) FOR UPDATE OF t, f
                """, logger: logger)) {
                TokenRow(family: try $0["family_id"].decode(String.self), expiresAt: try $0["expires_at"].decode(Date.self),
                         spentAt: try $0["spent_at"].decode(Date?.self), revokedAt: try $0["revoked_at"].decode(Date?.self))
            }.first
            guard let token else { return .invalid }
            if token.spentAt != nil {
                try await connection.query("UPDATE session_families SET revoked_at = \(now) WHERE id = \(token.family) AND revoked_at IS NULL", logger: logger)
                return .reused
            }
            guard token.revokedAt == nil, token.expiresAt > now else { return .invalid }
            try await connection.query("UPDATE refresh_tokens SET spent_at = \(now) WHERE token_hash = \(hash)", logger: logger)
            try await connection.query("""
                INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at) VALUES (\(nextHash), \(token.family), \(owner), \(nextExpiresAt))
                """, logger: logger)
            return .rotated(userID: owner, familyID: token.family)
        }
    }

    public func sessionIsLive(familyID: String, userID: String) async throws -> Bool {
        try await transaction(.user(userID)) { connection in
            try await one(connection.query("SELECT 1 FROM session_families WHERE id = \(familyID) AND user_id = \(userID) AND revoked_at IS NULL", logger: logger), Int.self) != nil
        }
    }

    public func revokeSession(familyID: String, userID: String) async throws {
        try await transaction(.user(userID)) { connection in
            _ = try await connection.query("UPDATE session_families SET revoked_at = \(Date()) WHERE id = \(familyID) AND user_id = \(userID) AND revoked_at IS NULL", logger: logger).collect()
        }
    }

    public func sessions(userID: String) async throws -> [SessionFamily] {
        try await transaction(.user(userID)) { connection in
            try await all(connection.query("SELECT \(unescaped: PostgresRows.sessionColumns) FROM session_families WHERE user_id = \(userID) ORDER BY created_at",
                                           logger: logger), PostgresRows.session)
        }
    }

    private struct TokenRow: Sendable { let family: String; let expiresAt: Date; let spentAt: Date?; let revokedAt: Date? }
}
