public import Foundation
import GRDB

extension SQLiteStateStore {
    public func createInvite(creator: String, codeHash: String, createdBy: String, expiresAt: Date, maxUses: Int) async throws -> Invite {
        let invite = Invite(id: RowID.make(), creator: creator, codeHash: codeHash, createdBy: createdBy, createdAt: Date(), expiresAt: expiresAt,
                            maxUses: maxUses, uses: 0, revokedAt: nil)
        try await pool.write { db in
            let live = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invites WHERE creator = ? AND revoked_at IS NULL AND expires_at > ?",
                                        arguments: [creator, Date()]) ?? 0
            guard live < StateLimits.liveInvitesPerCreator else { throw StateError.limitReached("live invites per creator", StateLimits.liveInvitesPerCreator) }
            try invite.insert(db)
        }
        return invite
    }

    public func invites(creator: String) async throws -> [Invite] {
        try await pool.read { db in try Invite.filter(Column("creator") == creator).order(Column("created_at").desc).fetchAll(db) }
    }

    public func revokeInvite(id: String, creator: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE invites SET revoked_at = ? WHERE id = ? AND creator = ? AND revoked_at IS NULL", arguments: [Date(), id, creator])
            return db.changesCount > 0
        }
    }

    @discardableResult
    public func registerMember(email: String, passwordHash: String, creator: String, inviteHash: String, now: Date) async throws -> User {
        let email = try EmailAddress.normalised(email)
        return try await pool.write { db in
            guard let invite = try Invite.filter(Column("code_hash") == inviteHash).fetchOne(db), invite.admits(creator: creator, now: now) else {
                throw StateError.invalidInvite
            }
            if try User.filter(Column("email") == email).fetchOne(db) != nil { throw StateError.emailTaken(email) }
            try db.execute(sql: "UPDATE invites SET uses = uses + 1 WHERE id = ?", arguments: [invite.id])
            let user = User(id: RowID.make(), email: email, passwordHash: passwordHash, role: .member, creator: creator, createdAt: now)
            try user.insert(db)
            return user
        }
    }
}
