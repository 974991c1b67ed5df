import State

/// Who is calling, established from an access token or an API key.
struct Identity: Sendable, Hashable {
    var userID: String
    var role: Role
    /// The tenant: a creator's own id, a member's creator, nil for an admin.
    var creator: String?
    /// The session (refresh family) of an access token; nil for an API key.
    var sessionID: String?
    /// An API key's scopes; nil for a login session, which has every scope.
    var scopes: Set<APIKeyScope>?
    /// The API key's id, when the caller used a key limited to browser origins (a widget's):
    /// such keys are rate-limited per key as well as per visitor.
    var browserKeyID: String? = nil

    var isAPIKey: Bool { scopes != nil }

    /// Refuses (403) a caller without `scope`.
    func require(_ scope: APIKeyScope) throws {
        if let scopes, !scopes.contains(scope) { throw APIError.forbidden("this API key does not have the \"\(scope.rawValue)\" scope") }
    }

    /// Admins reach every tenant; creators and members only their own. Nothing else crosses.
    func mayAccess(creator id: String) -> Bool {
        role == .admin || creator == id
    }
}
