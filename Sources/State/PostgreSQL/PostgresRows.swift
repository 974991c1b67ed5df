import Foundation
import PostgresNIO

/// The models from rows of the PostgreSQL schema, by column name.
enum PostgresRows {
    static let userColumns = "id, email, password_hash, role, creator, created_at"
    static func user(_ row: PostgresRandomAccessRow) throws -> User {
        User(id: try row["id"].decode(String.self), email: try row["email"].decode(String.self), passwordHash: try row["password_hash"].decode(String.self),
             role: Role(rawValue: try row["role"].decode(String.self)) ?? .member, creator: try row["creator"].decode(String?.self),
             createdAt: try row["created_at"].decode(Date.self))
    }

    static let sessionColumns = "id, user_id, created_at, revoked_at"
    static func session(_ row: PostgresRandomAccessRow) throws -> SessionFamily {
        SessionFamily(id: try row["id"].decode(String.self), userID: try row["user_id"].decode(String.self),
                      createdAt: try row["created_at"].decode(Date.self), revokedAt: try row["revoked_at"].decode(Date?.self))
    }

    static let apiKeyColumns = "id, user_id, name, key_hash, created_at, last_used_at, scopes, expires_at, allowed_origins"
    static func apiKey(_ row: PostgresRandomAccessRow) throws -> APIKey {
        APIKey(id: try row["id"].decode(String.self), userID: try row["user_id"].decode(String.self), name: try row["name"].decode(String.self),
               keyHash: try row["key_hash"].decode(String.self), createdAt: try row["created_at"].decode(Date.self),
               lastUsedAt: try row["last_used_at"].decode(Date?.self), scopesText: try row["scopes"].decode(String.self),
               expiresAt: try row["expires_at"].decode(Date?.self), allowedOriginsText: try row["allowed_origins"].decode(String?.self))
    }

    static let inviteColumns = "id, creator, code_hash, created_by, created_at, expires_at, max_uses, uses, revoked_at"
    static func invite(_ row: PostgresRandomAccessRow) throws -> Invite {
        Invite(id: try row["id"].decode(String.self), creator: try row["creator"].decode(String.self), codeHash: try row["code_hash"].decode(String.self),
               createdBy: try row["created_by"].decode(String.self), createdAt: try row["created_at"].decode(Date.self),
               expiresAt: try row["expires_at"].decode(Date.self), maxUses: try row["max_uses"].decode(Int.self), uses: try row["uses"].decode(Int.self),
               revokedAt: try row["revoked_at"].decode(Date?.self))
    }

    static let conversationColumns = "id, user_id, creator, title, created_at, updated_at"
    static func conversation(_ row: PostgresRandomAccessRow) throws -> Conversation {
        Conversation(id: try row["id"].decode(String.self), userID: try row["user_id"].decode(String.self), creator: try row["creator"].decode(String.self),
                     title: try row["title"].decode(String?.self), createdAt: try row["created_at"].decode(Date.self),
                     updatedAt: try row["updated_at"].decode(Date.self))
    }

    static let messageColumns = """
        seq, id, conversation_id, role, content, citations_json, confidence, mode, notice, complete, usage_json, timings_json, retrieval_query, created_at
        """
    static func message(_ row: PostgresRandomAccessRow) throws -> (sequence: Int64, message: StoredMessage) {
        var message = StoredMessage(id: try row["id"].decode(String.self), conversationID: try row["conversation_id"].decode(String.self),
                                    role: try row["role"].decode(String.self), content: try row["content"].decode(String.self),
                                    complete: try row["complete"].decode(Bool.self), createdAt: try row["created_at"].decode(Date.self))
        message.citationsJSON = try row["citations_json"].decode(String?.self)
        message.confidence = try row["confidence"].decode(Double?.self)
        message.mode = try row["mode"].decode(String?.self)
        message.notice = try row["notice"].decode(String?.self)
        message.usageJSON = try row["usage_json"].decode(String?.self)
        message.timingsJSON = try row["timings_json"].decode(String?.self)
        message.retrievalQuery = try row["retrieval_query"].decode(String?.self)
        return (try row["seq"].decode(Int64.self), message)
    }
}
