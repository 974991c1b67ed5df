import Foundation
import Hummingbird
import State

extension Services {
    /// `/api/v1/auth/...`: register, login and refresh are public (register and login, which
    /// hash a password, behind their own lower rate limit); the rest need a bearer token.
    /// API keys need the `manage` scope.
    func addAuthRoutes(public open: RouterGroup<AppContext>, hashing: RouterGroup<AppContext>, authenticated: RouterGroup<AppContext>,
                       manage: RouterGroup<AppContext>) {
        let limit = configuration.maxBodyBytes
        hashing.post("auth/register") { request, _ in
            let body = try await StrictJSON.decode(RegisterBody.self, from: request, limit: limit)
            try await auth.register(email: body.email, password: body.password, creator: body.creator, invite: body.invite)
            struct Accepted: Encodable { var status = "accepted"; var detail = "if the address was new, the account exists now; log in to continue" }
            return try jsonResponse(Accepted(), status: .accepted)
        }
        hashing.post("auth/login") { request, context in
            let body = try await StrictJSON.decode(LoginBody.self, from: request, limit: limit)
            return try jsonResponse(try await auth.login(email: body.email, password: body.password, client: context.clientKey))
        }
        open.post("auth/refresh") { request, _ in
            let body = try await StrictJSON.decode(RefreshBody.self, from: request, limit: limit)
            return try jsonResponse(try await auth.refresh(body.refresh_token))
        }
        authenticated.post("auth/logout") { request, context in
            let identity = try context.caller()
            guard !identity.isAPIKey else { throw APIError.forbidden("an API key has no session to log out of; delete the key instead") }
            _ = try await StrictJSON.decode(LogoutBody.self, from: request, limit: limit, allowEmpty: true)
            try await auth.logout(identity)
            return emptyResponse()
        }
        authenticated.get("auth/me") { _, context in
            let identity = try context.caller()
            guard let user = try await state.user(id: identity.userID) else { throw APIError.unauthorized("the account no longer exists") }
            return try jsonResponse(UserJSON(user))
        }
        manage.post("auth/api-keys") { request, context in
            let identity = try requireCreatorOrAdmin(context)
            let body = try await StrictJSON.decode(APIKeyBody.self, from: request, limit: limit)
            let secret = TokenService.opaqueToken(prefix: "crk_")
            let key = try await state.createAPIKey(userID: identity.userID, name: body.name, keyHash: secret.hash, scopes: body.scopes,
                                             expiresAt: body.expires_in_days.map { Date().addingTimeInterval(Double($0) * 86_400) },
                                             allowedOrigins: body.allowed_origins)
            return try jsonResponse(APIKeyJSON(key, secret: secret.token), status: .created)
        }
        manage.get("auth/api-keys") { _, context in
            let identity = try requireCreatorOrAdmin(context)
            struct List: Encodable { var api_keys: [APIKeyJSON] }
            return try jsonResponse(List(api_keys: try await state.apiKeys(userID: identity.userID).map { APIKeyJSON($0) }))
        }
        manage.delete("auth/api-keys/{id}") { _, context in
            let identity = try requireCreatorOrAdmin(context)
            let id = try context.parameters.require("id")
            guard try await state.deleteAPIKey(id: id, userID: identity.userID) else { throw APIError.notFound("no API key \(id) of yours") }
            return emptyResponse()
        }
    }

    private func requireCreatorOrAdmin(_ context: AppContext) throws -> Identity {
        let identity = try context.caller()
        guard identity.role != .member else { throw APIError.forbidden("API keys are for creators and admins") }
        return identity
    }
}
