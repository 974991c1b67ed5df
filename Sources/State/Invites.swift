public import Foundation
public import GRDB

/// Who may register into a creator's tenant (`registration:` in its pipeline file).
public enum RegistrationPolicy: String, Sendable, Hashable, CaseIterable {
    /// Anyone with the creator's id.
    case open
    /// Only with an invite code the creator (or an admin) made.
    case invite
    /// No one; members are added with `coachrag user create`.
    case closed
}

/// An invite code into a creator's tenant: only its SHA-256 is stored; the code is shown once.
public struct Invite: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "invites"
    public var id: String
    public var creator: String
    public var codeHash: String
    public var createdBy: String
    public var createdAt: Date
    public var expiresAt: Date
    public var maxUses: Int
    public var uses: Int
    public var revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, creator, codeHash = "code_hash", createdBy = "created_by", createdAt = "created_at", expiresAt = "expires_at"
        case maxUses = "max_uses", uses, revokedAt = "revoked_at"
    }
}

extension StateStore {
    /// Invites a creator may hold that are neither expired nor revoked.
    public static let maxLiveInvitesPerCreator = 1_000

    public func createInvite(creator: String, codeHash: String, createdBy: String, expiresAt: Date, maxUses: Int) async throws -> Invite {
        let invite = Invite(id: Self.newID(), creator: creator, codeHash: codeHash, createdBy: createdBy, createdAt: Date(), expiresAt: expiresAt,
                            maxUses: maxUses, uses: 0, revokedAt: nil)
        try await pool.write { db in
            let live = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invites WHERE creator = ? AND revoked_at IS NULL AND expires_at > ?",
                                        arguments: [creator, Date()]) ?? 0
            guard live < Self.maxLiveInvitesPerCreator else { throw StateError.limitReached("live invites per creator", Self.maxLiveInvitesPerCreator) }
            try invite.insert(db)
        }
        return invite
    }

    public func invites(creator: String) async throws -> [Invite] {
        try await pool.read { db in try Invite.filter(Column("creator") == creator).order(Column("created_at").desc).fetchAll(db) }
    }

    /// Revokes an invite of `creator`; false when it has no such invite.
    public func revokeInvite(id: String, creator: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE invites SET revoked_at = ? WHERE id = ? AND creator = ? AND revoked_at IS NULL", arguments: [Date(), id, creator])
            return db.changesCount > 0
        }
    }

    /// Creates a member of `creator` with an invite, spending one of its uses in the same
    /// transaction. `invalidInvite` when the code is unknown, of another creator, used up,
    /// expired or revoked; `emailTaken` (and the use not spent) when the email has an account.
    @discardableResult
    public func registerMember(email: String, passwordHash: String, creator: String, inviteHash: String, now: Date = Date()) async throws -> User {
        let email = try Self.normalisedEmail(email)
        return try await pool.write { db in
            guard let invite = try Invite.filter(Column("code_hash") == inviteHash).fetchOne(db), invite.creator == creator,
                  invite.revokedAt == nil, invite.expiresAt > now, invite.uses < invite.maxUses else { throw StateError.invalidInvite }
            if try User.filter(Column("email") == email).fetchOne(db) != nil { throw StateError.emailTaken(email) }
            try db.execute(sql: "UPDATE invites SET uses = uses + 1 WHERE id = ?", arguments: [invite.id])
            let user = User(id: Self.newID(), email: email, passwordHash: passwordHash, role: .member, creator: creator, createdAt: now)
            try user.insert(db)
            return user
        }
    }
}
