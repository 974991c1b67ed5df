/// Why a state operation failed, with what the caller needs to answer the client or operator.
public enum StateError: Error, CustomStringConvertible, Equatable {
    /// The database could not be opened or migrated.
    case database(String, String)
    case emailTaken(String)
    case unknownCreator(String)
    case creatorRequired(Role)
    case creatorNotAllowed
    case weakPassword(String)
    case invalidEmail(String)
    case hashing(String)
    /// A per-user bound (what, the bound) is reached.
    case limitReached(String, Int)
    /// A pagination cursor that no page handed out.
    case invalidCursor
    /// An invite code that is unknown, of another creator, used up, expired or revoked.
    case invalidInvite
    /// A conversation that is not the acting user's (or no longer exists).
    case unknownConversation(String)
    /// A `--database` URL that cannot be used (why).
    case badDatabaseURL(String)
    /// The database's schema is newer than this binary knows (backend, its version, ours).
    case unknownSchemaVersion(String, String, String)

    public var description: String {
        switch self {
        case .database(let path, let reason): "state database \(path): \(reason)"
        case .emailTaken(let email): "a user with email \(email) already exists"
        case .unknownCreator(let id): "no creator \"\(id)\" (create its creator user first)"
        case .creatorRequired(let role): "a \(role.rawValue) needs --creator"
        case .creatorNotAllowed: "an admin belongs to no creator; drop --creator"
        case .weakPassword(let reason): "password: \(reason)"
        case .invalidEmail(let email): "email \"\(email)\" is not an address"
        case .hashing(let reason): "password hashing failed: \(reason)"
        case .limitReached(let what, let bound): "at most \(bound) \(what)"
        case .invalidCursor: "cursor is not one this server handed out"
        case .invalidInvite: "the invite code is not valid (unknown, used up, expired or revoked)"
        case .unknownConversation(let id): "no conversation \(id) of this user"
        case .badDatabaseURL(let why): "database URL \(why)"
        case .unknownSchemaVersion(let database, let found, let known):
            "state database \(database) has schema version \(found), newer than this binary knows (\(known)); upgrade coachrag"
        }
    }
}
