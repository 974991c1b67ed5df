public import Foundation
import PostgresNIO

extension PostgresStateStore {
    @discardableResult
    public func createUser(email: String, passwordHash: String, role: Role, creator: String?) async throws -> User {
        let email = try EmailAddress.normalised(email)
        try role.check(creator: creator)
        let user = User(id: RowID.make(), email: email, passwordHash: passwordHash, role: role, creator: creator, createdAt: Date())
        return try await transaction(.system) { connection in
            if try await one(connection.query("SELECT 1 FROM users WHERE email = \(email)", logger: logger), Int.self) != nil { throw StateError.emailTaken(email) }
            if let creator {
                let exists = try await one(connection.query("SELECT 1 FROM creators WHERE id = \(creator)", logger: logger), Int.self) != nil
                if role == .creator, !exists {
                    try await connection.query("INSERT INTO creators (id, created_at) VALUES (\(creator), \(user.createdAt)) ON CONFLICT (id) DO NOTHING", logger: logger)
                } else if !exists {
                    throw StateError.unknownCreator(creator)
                }
            }
            try await connection.query("""
                INSERT INTO users (id, email, password_hash, role, creator, created_at)
                VALUES (\(user.id), \(user.email), \(user.passwordHash), \(user.role.rawValue), \(user.creator), \(user.createdAt))
                """, logger: logger)
            return user
        }
    }

    public func user(email: String) async throws -> User? {
        guard let email = try? EmailAddress.normalised(email) else { return nil }
        return try await transaction(.system) { connection in
            try await all(connection.query("SELECT \(unescaped: PostgresRows.userColumns) FROM users WHERE email = \(email)", logger: logger), PostgresRows.user).first
        }
    }

    public func user(id: String) async throws -> User? {
        try await transaction(.system) { connection in
            try await all(connection.query("SELECT \(unescaped: PostgresRows.userColumns) FROM users WHERE id = \(id)", logger: logger), PostgresRows.user).first
        }
    }

    public func creatorExists(_ id: String) async throws -> Bool {
        try await transaction(.system) { connection in
            try await one(connection.query("SELECT 1 FROM creators WHERE id = \(id)", logger: logger), Int.self) != nil
        }
    }

    public func creators() async throws -> [String] {
        try await creatorsCreated().map(\.id)
    }

    public func creatorsCreated() async throws -> [(id: String, createdAt: Date)] {
        let rows = try await transaction(.system) { connection in
            try await all(connection.query("SELECT id, created_at FROM creators ORDER BY id", logger: logger)) {
                CreatorRow(id: try $0["id"].decode(String.self), createdAt: try $0["created_at"].decode(Date.self))
            }
        }
        return rows.map { (id: $0.id, createdAt: $0.createdAt) }
    }

    public func deleteUser(id: String) async throws {
        // The foreign keys' cascades remove the user's rows whatever row-level security would show.
        try await transaction(.system) { connection in _ = try await connection.query("DELETE FROM users WHERE id = \(id)", logger: logger).collect() }
    }

    private struct CreatorRow: Sendable { let id: String; let createdAt: Date }
}
