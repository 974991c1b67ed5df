import Foundation
import State

/// Registration, login, token refresh and logout over the state store, and authentication of
/// each request. Answers never reveal whether an email is registered: registration says the
/// same either way, login failures are one message, and an unknown email costs the same Argon2
/// work as a wrong password.
struct AuthService: Sendable {
    let state: any StateStore
    let tokens: TokenService
    let hasher = PasswordHasher()
    let hashing: AdmissionGate
    let configuration: ServerConfiguration
    /// Each creator's registration policy.
    let creators: CreatorSettings
    /// Verified against when the email is unknown, so both paths take the same time.
    let decoyHash: String
    let cache = SessionCache()

    init(state: any StateStore, tokens: TokenService, configuration: ServerConfiguration, creators: CreatorSettings) throws {
        self.state = state
        self.creators = creators
        self.tokens = tokens
        self.configuration = configuration
        hashing = AdmissionGate("password checks", running: PasswordHasher.threadCount, queueLength: configuration.passwordQueueLength)
        decoyHash = try PasswordHasher().hash("decoy password that no account has")
    }

    struct TokenPair: Encodable, Sendable {
        var access_token: String
        var refresh_token: String
        var token_type = "Bearer"
        var expires_in: Int
    }

    /// A member joins `creator`'s tenant, as its `registration:` policy allows: `open` to
    /// anyone, `invite` with a valid invite code, `closed` to no one. A closed creator answers
    /// exactly as one that does not exist. Same answer whether the email is new or not.
    func register(email rawEmail: String, password: String, creator: String, invite: String?) async throws {
        let email: String
        do { email = try EmailAddress.normalised(rawEmail) } catch { throw APIError.invalid("email", "is not an email address (at most 254 characters)") }
        if let problem = PasswordPolicy.problem(with: password, email: email) { throw APIError.invalid("password", problem) }
        let policy = creators.registration(for: creator)
        guard policy != .closed, try await state.creatorExists(creator) else { throw APIError.notFound("creator \"\(creator)\" does not exist") }
        if policy == .invite, invite == nil { throw APIError.invalid("invite", "is required: this creator takes members by invitation") }
        let hash = try await hashing.run { try await hasher.hash(password) }
        do {
            if policy == .invite, let invite {
                try await state.registerMember(email: email, passwordHash: hash, creator: creator, inviteHash: TokenService.hash(invite))
            } else {
                try await state.createUser(email: email, passwordHash: hash, role: .member, creator: creator)
            }
        } catch StateError.emailTaken {
            // Deliberately the same answer: registration must not confirm who has an account.
        } catch StateError.invalidInvite {
            throw APIError.invalid("invite", "is not valid (unknown, used up, expired or revoked)")
        }
    }

    /// Logs in. The email is validated and normalised first (one rule, `EmailAddress.
    /// normalised`, the same as the lookup), so spelling variants share one count.
    func login(email rawEmail: String, password: String, client: String) async throws -> TokenPair {
        let email: String
        do { email = try EmailAddress.normalised(rawEmail) } catch { throw APIError.invalid("email", "is not an email address (at most 254 characters)") }
        let user = try await state.user(email: email)
        guard try await passwordMatches(password, hash: user?.passwordHash, email: email, client: client), let user else {
            throw APIError.unauthorized("email or password is wrong")
        }
        try await state.loginSucceeded(email: email, client: client)
        let refresh = TokenService.opaqueToken(prefix: "crr_")
        let session = try await state.startSession(userID: user.id, refreshHash: refresh.hash, expiresAt: Date().addingTimeInterval(configuration.refreshTokenLifetime))
        return try await pair(for: user, sessionID: session, refreshToken: refresh.token)
    }

    /// One password check under the limits. Inside the hashing gate (a flood is refused before
    /// it costs a database write), the attempt is counted before the hash is checked, so a
    /// parallel burst cannot slip past the lockout; refused (429) when the account is locked or
    /// backing off. An unknown account (`hash` nil) costs the same work as a wrong password.
    private func passwordMatches(_ password: String, hash: String?, email: String, client: String) async throws -> Bool {
        guard password.utf8.count <= 4 * PasswordPolicy.maximumLength else { return false }
        return try await hashing.run {
            if case .refused(let wait) = try await state.admitLoginAttempt(email: email, client: client, throttle: configuration.loginThrottle) {
                throw APIError.tooManyRequests("too many failed password checks for this account; try again in \(wait) s", retryAfter: wait)
            }
            return await hasher.verify(password, against: hash ?? decoyHash)
        }
    }

    /// Rotates: the presented token is spent, a new one issued in its family. A spent token
    /// presented again revokes the family.
    func refresh(_ token: String) async throws -> TokenPair {
        let next = TokenService.opaqueToken(prefix: "crr_")
        let outcome = try await state.rotateRefreshToken(hash: TokenService.hash(token), nextHash: next.hash, nextExpiresAt: Date().addingTimeInterval(configuration.refreshTokenLifetime))
        switch outcome {
        case .rotated(let userID, let familyID):
            guard let user = try await state.user(id: userID) else { throw APIError.unauthorized("refresh_token is not valid") }
            return try await pair(for: user, sessionID: familyID, refreshToken: next.token)
        case .reused:
            cache.forgetAll()
            throw APIError.unauthorized("refresh_token was already used; the session is revoked, log in again")
        case .invalid:
            throw APIError.unauthorized("refresh_token is not valid (expired, revoked or unknown)")
        }
    }

    private func pair(for user: User, sessionID: String, refreshToken: String) async throws -> TokenPair {
        let access = try await tokens.accessToken(userID: user.id, role: user.role.rawValue, creator: user.creator, sessionID: sessionID)
        return TokenPair(access_token: access, refresh_token: refreshToken, expires_in: Int(configuration.accessTokenLifetime))
    }

    /// Ends a session (logout).
    func logout(_ identity: Identity) async throws {
        if let session = identity.sessionID { try await state.revokeSession(familyID: session, userID: identity.userID) }
        cache.forget(userID: identity.userID, sessionID: identity.sessionID)
    }

    /// Erases the caller and everything of theirs, after re-authentication: a login session
    /// (never an API key) and the account's password, checked under the login limits.
    func deleteAccount(_ identity: Identity, password: String, client: String) async throws {
        guard !identity.isAPIKey else { throw APIError.forbidden("an account is deleted with a login session and its password, not an API key") }
        guard let user = try await state.user(id: identity.userID) else { throw APIError.unauthorized("the account no longer exists") }
        guard try await passwordMatches(password, hash: user.passwordHash, email: user.email, client: client) else { throw APIError.unauthorized("password is wrong") }
        try await state.loginSucceeded(email: user.email, client: client)
        try await state.deleteUser(id: identity.userID)
        cache.forget(userID: identity.userID, sessionID: nil)
    }

    /// The caller of a request with `Authorization: Bearer <JWT | crk_ key>`. `origin` is the
    /// request's `Origin` header: a key limited to some browser origins is refused from others.
    func authenticate(authorization: String?, origin: String?) async throws -> Identity {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized("missing Authorization: Bearer token")
        }
        let credential = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        if credential.hasPrefix("crk_") {
            guard let (key, user) = try await state.apiKey(hash: TokenService.hash(credential)) else { throw APIError.unauthorized("API key is not valid") }
            if let expiresAt = key.expiresAt, expiresAt <= Date() { throw APIError.unauthorized("API key has expired") }
            if let origin, let allowed = key.allowedOrigins, !allowed.contains(origin.lowercased()) {
                throw APIError.forbidden("this API key may not be used from origin \(origin)")
            }
            return Identity(userID: user.id, role: user.role, creator: user.creator, sessionID: nil, scopes: key.scopes,
                            browserKeyID: key.allowedOrigins == nil ? nil : key.id)
        }
        if let identity = cache.identity(for: credential) { return identity }
        guard let claims = await tokens.verify(credential), let role = Role(rawValue: claims.role) else {
            throw APIError.unauthorized("access token is not valid (signature, algorithm, expiry or issuer)")
        }
        guard try await state.sessionIsLive(familyID: claims.sid, userID: claims.sub.value) else {
            throw APIError.unauthorized("the session of this access token has ended; log in again")
        }
        let identity = Identity(userID: claims.sub.value, role: role, creator: claims.creator, sessionID: claims.sid)
        cache.remember(identity, for: credential, expires: claims.exp.value)
        return identity
    }
}
