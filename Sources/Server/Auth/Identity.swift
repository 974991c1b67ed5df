import State

/// Who is calling, established from an access token or an API key.
struct Identity: Sendable, Hashable {
    var userID: String
    var role: Role
    /// The tenant: a creator's own id, a member's creator, nil for an admin.
    var creator: String?
    /// The session (refresh family) of an access token; nil for an API key.
    var sessionID: String?

    /// Admins reach every tenant; creators and members only their own. Nothing else crosses.
    func mayAccess(creator id: String) -> Bool {
        role == .admin || creator == id
    }
}
