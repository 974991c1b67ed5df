public import Foundation
import GRDB

extension SQLiteStateStore {
    @discardableResult
    public func createUser(email: String, passwordHash: String, role: Role, creator: String?) async throws -> User {
        let email = try EmailAddress.normalised(email)
        try role.check(creator: creator)
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
            let user = User(id: RowID.make(), email: email, passwordHash: passwordHash, role: role, creator: creator, createdAt: Date())
            try user.insert(db)
            return user
        }
    }

    public func user(email: String) async throws -> User? {
        guard let email = try? EmailAddress.normalised(email) else { return nil }
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

    public func creatorsCreated() async throws -> [(id: String, createdAt: Date)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, created_at FROM creators ORDER BY id").map { (id: $0["id"], createdAt: $0["created_at"]) }
        }
    }

    public func deleteUser(id: String) async throws {
        _ = try await pool.write { db in try User.deleteOne(db, key: id) }
    }
}
