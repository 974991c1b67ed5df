public import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func createInvite(creator: String, codeHash: String, createdBy: String, expiresAt: Date, maxUses: Int) async throws -> Invite {
        let invite = Invite(id: RowID.make(), creator: creator, codeHash: codeHash, createdBy: createdBy, createdAt: Date(), expiresAt: expiresAt,
                            maxUses: maxUses, uses: 0, revokedAt: nil)
        try await transaction(.tenant(creator)) { connection in
            try await connection.query("SELECT 1 FROM creators WHERE id = \(creator) FOR UPDATE", logger: logger)
            let live = try await one(connection.query("""
                SELECT COUNT(*)::BIGINT FROM invites WHERE creator = \(creator) AND revoked_at IS NULL AND expires_at > \(Date())
                """, logger: logger), Int.self) ?? 0
            guard live < StateLimits.liveInvitesPerCreator else { throw StateError.limitReached("live invites per creator", StateLimits.liveInvitesPerCreator) }
            try await connection.query("""
                INSERT INTO invites (id, creator, code_hash, created_by, created_at, expires_at, max_uses, uses)
                VALUES (\(invite.id), \(creator), \(codeHash), \(createdBy), \(invite.createdAt), \(expiresAt), \(maxUses), 0)
                """, logger: logger)
        }
        return invite
    }

    public func invites(creator: String) async throws -> [Invite] {
        try await transaction(.tenant(creator)) { connection in
            try await all(connection.query("SELECT \(unescaped: PostgresRows.inviteColumns) FROM invites WHERE creator = \(creator) ORDER BY created_at DESC",
                                           logger: logger), PostgresRows.invite)
        }
    }

    public func revokeInvite(id: String, creator: String) async throws -> Bool {
        try await transaction(.tenant(creator)) { connection in
            try await one(connection.query("""
                UPDATE invites SET revoked_at = \(Date()) WHERE id = \(id) AND creator = \(creator) AND revoked_at IS NULL RETURNING 1
                """, logger: logger), Int.self) != nil
        }
    }

    @discardableResult
    public func registerMember(email: String, passwordHash: String, creator: String, inviteHash: String, now: Date) async throws -> User {
        let email = try EmailAddress.normalised(email)
        let user = User(id: RowID.make(), email: email, passwordHash: passwordHash, role: .member, creator: creator, createdAt: now)
        return try await transaction(.tenant(creator)) { connection in
            guard let invite = try await all(connection.query("SELECT \(unescaped: PostgresRows.inviteColumns) FROM invites WHERE code_hash = \(inviteHash) FOR UPDATE",
                                                              logger: logger), PostgresRows.invite).first,
                  invite.admits(creator: creator, now: now) else { throw StateError.invalidInvite }
            if try await one(connection.query("SELECT 1 FROM users WHERE email = \(email)", logger: logger), Int.self) != nil { throw StateError.emailTaken(email) }
            try await connection.query("UPDATE invites SET uses = uses + 1 WHERE id = \(invite.id)", logger: logger)
            try await connection.query("""
                INSERT INTO users (id, email, password_hash, role, creator, created_at)
                VALUES (\(user.id), \(email), \(passwordHash), 'member', \(creator), \(now))
                """, logger: logger)
            return user
        }
    }
}
