public import Foundation
import GRDB

extension SQLiteStateStore {
    public func startSession(userID: String, refreshHash: String, expiresAt: Date) async throws -> String {
        let family = RowID.make()
        try await pool.write { db in
            try SessionFamily(id: family, userID: userID, createdAt: Date(), revokedAt: nil).insert(db)
            try RefreshTokenRecord(tokenHash: refreshHash, familyID: family, userID: userID, expiresAt: expiresAt, spentAt: nil).insert(db)
        }
        return family
    }

    public func rotateRefreshToken(hash: String, nextHash: String, nextExpiresAt: Date, now: Date) async throws -> RefreshOutcome {
        try await pool.write { db -> RefreshOutcome in
            guard let token = try RefreshTokenRecord.fetchOne(db, key: hash),
                  let family = try SessionFamily.fetchOne(db, key: token.familyID) else { return .invalid }
            if token.spentAt != nil {
                try db.execute(sql: "UPDATE session_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, family.id])
                return .reused
            }
            guard family.revokedAt == nil, token.expiresAt > now else { return .invalid }
            try db.execute(sql: "UPDATE refresh_tokens SET spent_at = ? WHERE token_hash = ?", arguments: [now, hash])
            try RefreshTokenRecord(tokenHash: nextHash, familyID: family.id, userID: token.userID, expiresAt: nextExpiresAt, spentAt: nil).insert(db)
            return .rotated(userID: token.userID, familyID: family.id)
        }
    }

    public func sessionIsLive(familyID: String, userID: String) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM session_families WHERE id = ? AND user_id = ? AND revoked_at IS NULL)", arguments: [familyID, userID]) ?? false
        }
    }

    public func revokeSession(familyID: String, userID: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE session_families SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL", arguments: [Date(), familyID, userID])
        }
    }

    public func sessions(userID: String) async throws -> [SessionFamily] {
        try await pool.read { db in try SessionFamily.filter(Column("user_id") == userID).order(Column("created_at")).fetchAll(db) }
    }
}
