public import Foundation

/// What a user may do: an `admin` runs the platform, a `creator` owns one tenant (its index and
/// its members), a `member` belongs to one creator.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin, creator, member
}

/// An account. `creator` is the tenant: the creator's own id for a creator, the creator a member
/// joined for a member, nil for an admin.
public struct User: Codable, Sendable, Hashable {
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

extension Role {
    /// An admin belongs to no creator; a creator and a member to one.
    func check(creator: String?) throws(StateError) {
        switch self {
        case .admin where creator != nil: throw .creatorNotAllowed
        case .creator, .member: if creator == nil { throw .creatorRequired(self) }
        default: break
        }
    }
}

/// One chat thread of one user with one creator's bot.
public struct Conversation: Codable, Sendable, Hashable {
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
public struct StoredMessage: Codable, Sendable, Hashable {
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
public struct APIKey: Codable, Sendable, Hashable {
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

    /// A new key (its scopes in `APIKeyScope`'s order, origins one a line).
    init(userID: String, name: String, keyHash: String, scopes: Set<APIKeyScope>, expiresAt: Date?, allowedOrigins: [String]?) {
        self.init(id: RowID.make(), userID: userID, name: name, keyHash: keyHash, createdAt: Date(), lastUsedAt: nil,
                  scopesText: APIKeyScope.allCases.filter(scopes.contains).map(\.rawValue).joined(separator: ","),
                  expiresAt: expiresAt, allowedOriginsText: allowedOrigins.map { $0.joined(separator: "\n") })
    }

    init(id: String, userID: String, name: String, keyHash: String, createdAt: Date, lastUsedAt: Date?, scopesText: String, expiresAt: Date?, allowedOriginsText: String?) {
        self.id = id; self.userID = userID; self.name = name; self.keyHash = keyHash; self.createdAt = createdAt; self.lastUsedAt = lastUsedAt
        self.scopesText = scopesText; self.expiresAt = expiresAt; self.allowedOriginsText = allowedOriginsText
    }

    enum CodingKeys: String, CodingKey {
        case id, userID = "user_id", name, keyHash = "key_hash", createdAt = "created_at", lastUsedAt = "last_used_at"
        case scopesText = "scopes", expiresAt = "expires_at", allowedOriginsText = "allowed_origins"
    }
}

/// A login session: the family of refresh tokens descended from one login.
public struct SessionFamily: Codable, Sendable, Hashable {
    public var id: String
    public var userID: String
    public var createdAt: Date
    public var revokedAt: Date?

    enum CodingKeys: String, CodingKey { case id, userID = "user_id", createdAt = "created_at", revokedAt = "revoked_at" }
}

/// One refresh token (its SHA-256), spent when it is exchanged.
public struct RefreshTokenRecord: Codable, Sendable, Hashable {
    public var tokenHash: String
    public var familyID: String
    public var userID: String
    public var expiresAt: Date
    public var spentAt: Date?

    enum CodingKeys: String, CodingKey {
        case tokenHash = "token_hash", familyID = "family_id", userID = "user_id", expiresAt = "expires_at", spentAt = "spent_at"
    }
}

/// What exchanging a refresh token found.
public enum RefreshOutcome: Sendable, Equatable {
    /// Spent now; issue a new token in the same family.
    case rotated(userID: String, familyID: String)
    /// Already spent: a replay. The whole family is now revoked.
    case reused
    /// Unknown, expired, or its family was revoked.
    case invalid
}

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
public struct Invite: Codable, Sendable, Hashable {
    public var id: String
    public var creator: String
    public var codeHash: String
    public var createdBy: String
    public var createdAt: Date
    public var expiresAt: Date
    public var maxUses: Int
    public var uses: Int
    public var revokedAt: Date?

    /// Whether the invite may still admit a member of `creator`.
    func admits(creator: String, now: Date) -> Bool {
        self.creator == creator && revokedAt == nil && expiresAt > now && uses < maxUses
    }

    enum CodingKeys: String, CodingKey {
        case id, creator, codeHash = "code_hash", createdBy = "created_by", createdAt = "created_at", expiresAt = "expires_at"
        case maxUses = "max_uses", uses, revokedAt = "revoked_at"
    }
}
