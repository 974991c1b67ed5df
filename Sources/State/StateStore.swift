public import Foundation

/// The server's state behind one seam: users, creators, sessions, API keys, login failures,
/// invites, conversations and messages. Two backends implement it: `SQLiteStateStore` (one
/// file, the embedded default) and `PostgresStateStore` (shared by replicas, with row-level
/// security). Every write is one transaction; every rule that is not storage (email form,
/// limits, cursors, the login throttle's arithmetic) lives outside the backends, once.
///
/// Methods that act for a user take its id, and on PostgreSQL run with that user (and tenant)
/// set for the transaction, so row-level security refuses rows of anyone else.
public protocol StateStore: Sendable {
    /// `sqlite` or `postgresql`, and where, without credentials (for readiness and logs).
    var description: String { get }
    /// A cheap readiness probe.
    func check() async throws
    /// Bytes the database holds (what the disk-filling bounds are checked against).
    func databaseBytes() async throws -> Int
    func close() async throws
    /// Which migrations the database has and which this binary knows.
    func schemaStatus() async throws -> SchemaStatus
    /// Applies the pending migrations; returns their names.
    func migrate() async throws -> [String]

    // MARK: Users and creators
    /// Creates a user (and, for a creator, its tenant). `passwordHash` is an Argon2id encoding.
    func createUser(email: String, passwordHash: String, role: Role, creator: String?) async throws -> User
    func user(email: String) async throws -> User?
    func user(id: String) async throws -> User?
    func creatorExists(_ id: String) async throws -> Bool
    func creators() async throws -> [String]
    /// Every creator with when its tenant was made, by id.
    func creatorsCreated() async throws -> [(id: String, createdAt: Date)]
    /// Erases a user and everything that is theirs (conversations, messages, sessions, keys) in
    /// one transaction. A creator's tenant stays (its members are not the creator's data).
    func deleteUser(id: String) async throws

    // MARK: Sessions
    /// Starts a session family and stores its first refresh token (by hash); returns the family.
    func startSession(userID: String, refreshHash: String, expiresAt: Date) async throws -> String
    /// Spends `hash` and, when it was live, stores `nextHash` in the same family, atomically.
    /// A spent token presented again revokes its family (the thief and the owner both lose it).
    func rotateRefreshToken(hash: String, nextHash: String, nextExpiresAt: Date, now: Date) async throws -> RefreshOutcome
    /// True while the session exists and is not revoked.
    func sessionIsLive(familyID: String, userID: String) async throws -> Bool
    func revokeSession(familyID: String, userID: String) async throws
    func sessions(userID: String) async throws -> [SessionFamily]

    // MARK: API keys
    /// Refused with `limitReached` beyond `StateLimits.apiKeysPerUser`.
    func createAPIKey(userID: String, name: String, keyHash: String, scopes: Set<APIKeyScope>, expiresAt: Date?, allowedOrigins: [String]?) async throws -> APIKey
    func apiKeys(userID: String) async throws -> [APIKey]
    /// A key and its owner, touching its last use (expired keys are returned too: the caller
    /// says why it refuses them).
    func apiKey(hash: String) async throws -> (key: APIKey, user: User)?
    /// Whether some unexpired key with the `chat` scope lists `origin` (lower-cased
    /// `scheme://host[:port]`) among its allowed origins: what a browser's CORS preflight from
    /// that origin may be told yes to.
    func chatKeyAllows(origin: String, now: Date) async throws -> Bool
    /// Deletes a key of `userID`; false when there is no such key of theirs.
    func deleteAPIKey(id: String, userID: String) async throws -> Bool

    // MARK: Login throttle
    /// Admits or refuses one login attempt for `email` (normalised) from `client`, and counts
    /// it as a failure in the same transaction, before the password is checked (`LoginThrottle`).
    func admitLoginAttempt(email: String, client: String, throttle: LoginThrottle, now: Date) async throws -> LoginAdmission
    /// The password was right: the attempt no longer counts against the account or address.
    func loginSucceeded(email: String, client: String) async throws
    /// Rows of the login-failure table: what the purge leaves.
    func loginFailureRows() async throws -> Int

    // MARK: Invites
    /// Refused with `limitReached` beyond `StateLimits.liveInvitesPerCreator` live invites.
    func createInvite(creator: String, codeHash: String, createdBy: String, expiresAt: Date, maxUses: Int) async throws -> Invite
    func invites(creator: String) async throws -> [Invite]
    /// Revokes an invite of `creator`; false when it has no such invite.
    func revokeInvite(id: String, creator: String) async throws -> Bool
    /// Creates a member of `creator` with an invite, spending one of its uses in the same
    /// transaction. `invalidInvite` when the code is unknown, of another creator, used up,
    /// expired or revoked; `emailTaken` (and the use not spent) when the email has an account.
    func registerMember(email: String, passwordHash: String, creator: String, inviteHash: String, now: Date) async throws -> User

    // MARK: Conversations
    /// Refused with `limitReached` when the user already has `limits.conversationsPerUser`.
    func createConversation(userID: String, creator: String, title: String?, limits: ContentLimits) async throws -> Conversation
    /// The conversation when it belongs to `userID`; nil otherwise (callers answer 404 either
    /// way, so other users' ids are not confirmed).
    func conversation(id: String, userID: String) async throws -> Conversation?
    /// The user's conversations, most recently active first, `limit` at a time; `cursor` is a
    /// previous page's `nextCursor` (opaque; a bad one is `invalidCursor`).
    func conversations(userID: String, limit: Int, cursor: String?) async throws -> Page<Conversation>
    func deleteConversation(id: String, userID: String) async throws -> Bool
    /// Messages of the user's conversation in the order they were written, `limit` at a time.
    func messages(conversationID: String, userID: String, limit: Int, cursor: String?) async throws -> Page<StoredMessage>
    /// Starts an exchange in one transaction: reads the conversation's complete messages (the
    /// history), stores the question and the answer's placeholder. Refused with `limitReached`
    /// when the conversation already holds `limits.messagesPerConversation` messages.
    func beginExchange(question: StoredMessage, placeholder: StoredMessage, userID: String, limits: ContentLimits) async throws -> [StoredMessage]
    /// Inserts or replaces a message of the user's conversation and touches the conversation.
    func save(_ message: StoredMessage, userID: String) async throws
}

extension StateStore {
    public func rotateRefreshToken(hash: String, nextHash: String, nextExpiresAt: Date) async throws -> RefreshOutcome {
        try await rotateRefreshToken(hash: hash, nextHash: nextHash, nextExpiresAt: nextExpiresAt, now: Date())
    }

    public func createAPIKey(userID: String, name: String, keyHash: String, scopes: Set<APIKeyScope>, expiresAt: Date? = nil,
                             allowedOrigins: [String]? = nil) async throws -> APIKey {
        try await createAPIKey(userID: userID, name: name, keyHash: keyHash, scopes: scopes, expiresAt: expiresAt, allowedOrigins: allowedOrigins)
    }

    public func chatKeyAllows(origin: String) async throws -> Bool { try await chatKeyAllows(origin: origin, now: Date()) }

    public func admitLoginAttempt(email: String, client: String, throttle: LoginThrottle) async throws -> LoginAdmission {
        try await admitLoginAttempt(email: email, client: client, throttle: throttle, now: Date())
    }

    @discardableResult
    public func registerMember(email: String, passwordHash: String, creator: String, inviteHash: String) async throws -> User {
        try await registerMember(email: email, passwordHash: passwordHash, creator: creator, inviteHash: inviteHash, now: Date())
    }

    public func createConversation(userID: String, creator: String, title: String?) async throws -> Conversation {
        try await createConversation(userID: userID, creator: creator, title: title, limits: ContentLimits())
    }

    public func conversations(userID: String, limit: Int) async throws -> Page<Conversation> {
        try await conversations(userID: userID, limit: limit, cursor: nil)
    }

    /// Every message of the user's conversation.
    public func messages(conversationID: String, userID: String) async throws -> [StoredMessage] {
        try await messages(conversationID: conversationID, userID: userID, limit: .max, cursor: nil).items
    }

    public func beginExchange(question: StoredMessage, placeholder: StoredMessage, userID: String) async throws -> [StoredMessage] {
        try await beginExchange(question: question, placeholder: placeholder, userID: userID, limits: ContentLimits())
    }
}

/// Opens the state store a `DatabaseLocation` names.
public enum StateStores {
    /// `migrate`: apply pending migrations (what `serve` and `user create` do); without it the
    /// schema is only checked (`db status`, `db migrate --dry-run`). A database a newer binary
    /// migrated is refused either way.
    public static func open(_ location: DatabaseLocation, postgres: PostgresStateStore.Options = .init(), migrate: Bool = true) async throws -> any StateStore {
        switch location {
        case .sqlite(let path): try SQLiteStateStore(path: path, migrate: migrate)
        case .postgres(let settings): try await PostgresStateStore.open(settings, options: postgres, migrate: migrate)
        }
    }
}
