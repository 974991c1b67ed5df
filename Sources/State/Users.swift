public import Foundation
import GRDB

extension StateStore {
    /// Creates a user (and, for a creator, its tenant). `passwordHash` is an Argon2id encoding
    /// from `PasswordHasher`.
    @discardableResult
    public func createUser(email: String, passwordHash: String, role: Role, creator: String?) async throws -> User {
        let email = try Self.normalisedEmail(email)
        switch role {
        case .admin where creator != nil: throw StateError.creatorNotAllowed
        case .creator, .member: if creator == nil { throw StateError.creatorRequired(role) }
        default: break
        }
        return try await pool.write { db in
            if try User.filter(Column("email") == email).fetchOne(db) != nil { throw StateError.emailTaken(email) }
            if let creator {
                let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM creators WHERE id = ?)", arguments: [creator]) ?? false
                if role == .creator, !exists {
                    try db.execute(sql: "INSERT INTO creators (id, created_at) VALUES (?, ?)", arguments: [creator, Date()])
                } else if !exists {
                    throw StateError.unknownCreator(creator)
                }
            }
            let user = User(id: Self.newID(), email: email, passwordHash: passwordHash, role: role, creator: creator, createdAt: Date())
            try user.insert(db)
            return user
        }
    }

    /// Lower-cased and trimmed; a single `@` with text on both sides and a dot in the domain.
    public static func normalisedEmail(_ raw: String) throws(StateError) -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !email.contains(where: { $0.isWhitespace }) else {
            throw .invalidEmail(raw)
        }
        return email
    }

    public func user(email: String) async throws -> User? {
        guard let email = try? Self.normalisedEmail(email) else { return nil }
        return try await pool.read { db in try User.filter(Column("email") == email).fetchOne(db) }
    }

    public func user(id: String) async throws -> User? {
        try await pool.read { db in try User.fetchOne(db, key: id) }
    }

    public func creatorExists(_ id: String) async throws -> Bool {
        try await pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM creators WHERE id = ?)", arguments: [id]) ?? false }
    }

    public func creators() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM creators ORDER BY id") }
    }

    /// Every creator with when its tenant was made, by id.
    public func creatorsCreated() async throws -> [(id: String, createdAt: Date)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, created_at FROM creators ORDER BY id").map { (id: $0["id"], createdAt: $0["created_at"]) }
        }
    }

    /// Erases a user and everything that is theirs (conversations, messages, sessions, keys) in
    /// one transaction. A creator's tenant stays (its members are not the creator's data).
    public func deleteUser(id: String) async throws {
        _ = try await pool.write { db in try User.deleteOne(db, key: id) }
    }
}
