public import Foundation
public import GRDB

/// What a user may do: an `admin` runs the platform, a `creator` owns one tenant (its index and
/// its members), a `member` belongs to one creator.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin, creator, member
}

/// An account. `creator` is the tenant: the creator's own id for a creator, the creator a member
/// joined for a member, nil for an admin.
public struct User: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "users"
    public var id: String
    public var email: String
    public var passwordHash: String
    public var role: Role
    public var creator: String?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, email, passwordHash = "password_hash", role, creator, createdAt = "created_at"
    }
}

/// One chat thread of one user with one creator's bot.
public struct Conversation: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "conversations"
    public var id: String
    public var userID: String
    public var creator: String
    public var title: String?
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, userID = "user_id", creator, title, createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// A message of a conversation. Assistant messages carry their citations, confidence, usage and
/// timings as JSON text written by the server; `complete` is false while (or if) generation did
/// not finish, e.g. when the client went away mid-stream.
public struct StoredMessage: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "messages"
    public var id: String
    public var conversationID: String
    public var role: String
    public var content: String
    public var citationsJSON: String?
    public var confidence: Double?
    public var mode: String?
    public var notice: String?
    public var complete: Bool
    public var usageJSON: String?
    public var timingsJSON: String?
    /// For an answer: what retrieval searched (the question, or context turns and the question).
    public var retrievalQuery: String?
    public var createdAt: Date

    public init(id: String = UUID().uuidString.lowercased(), conversationID: String, role: String, content: String, complete: Bool, createdAt: Date = Date()) {
        self.id = id; self.conversationID = conversationID; self.role = role; self.content = content
        self.complete = complete; self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, conversationID = "conversation_id", role, content, citationsJSON = "citations_json", confidence, mode, notice,
             complete, usageJSON = "usage_json", timingsJSON = "timings_json", retrievalQuery = "retrieval_query", createdAt = "created_at"
    }
}

/// What an API key may do. A key holds only the scopes it was made with; a login session
/// holds every scope.
public enum APIKeyScope: String, Codable, Sendable, Hashable, CaseIterable {
    /// `POST /creators/{id}/search`.
    case search
    /// Conversations, messages and the OpenAI-compatible chat endpoint.
    case chat
    /// API keys and the account's data export.
    case manage
}

/// A creator's API key: only its SHA-256 is stored; the key itself is shown once. It carries
/// scopes, an optional expiry, and optional browser origins it may be used from.
public struct APIKey: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "api_keys"
    public var id: String
    public var userID: String
    public var name: String
    public var keyHash: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    /// Comma-separated `APIKeyScope` values.
    public var scopesText: String
    public var expiresAt: Date?
    /// Newline-separated origins (`https://coach.example`); nil: any.
    public var allowedOriginsText: String?

    public var scopes: Set<APIKeyScope> { Set(scopesText.split(separator: ",").compactMap { APIKeyScope(rawValue: String($0)) }) }
    public var allowedOrigins: [String]? { allowedOriginsText.map { $0.split(separator: "\n").map(String.init) } }

    enum CodingKeys: String, CodingKey {
        case id, userID = "user_id", name, keyHash = "key_hash", createdAt = "created_at", lastUsedAt = "last_used_at"
        case scopesText = "scopes", expiresAt = "expires_at", allowedOriginsText = "allowed_origins"
    }
}

/// A login session: the family of refresh tokens descended from one login.
public struct SessionFamily: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "session_families"
    public var id: String
    public var userID: String
    public var createdAt: Date
    public var revokedAt: Date?

    enum CodingKeys: String, CodingKey { case id, userID = "user_id", createdAt = "created_at", revokedAt = "revoked_at" }
}

/// One refresh token (its SHA-256), spent when it is exchanged.
public struct RefreshTokenRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "refresh_tokens"
    public var tokenHash: String
    public var familyID: String
    public var userID: String
    public var expiresAt: Date
    public var spentAt: Date?

    enum CodingKeys: String, CodingKey {
        case tokenHash = "token_hash", familyID = "family_id", userID = "user_id", expiresAt = "expires_at", spentAt = "spent_at"
    }
}
