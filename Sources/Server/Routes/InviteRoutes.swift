import Foundation
import Hummingbird
import State

extension Services {
    /// `/creators/{creator}/invites`: invite codes into a tenant whose `registration:` is
    /// `invite`, made, listed and revoked by its creator or an admin (the `manage` scope).
    func addInviteRoutes(_ manage: RouterGroup<AppContext>) {
        let limit = configuration.maxBodyBytes
        manage.post("creators/{creator}/invites") { request, context in
            let (identity, creator) = try inviteManager(context)
            let body = try await StrictJSON.decode(InviteBody.self, from: request, limit: limit, allowEmpty: true)
            guard try await state.creatorExists(creator) else { throw APIError.notFound("creator \"\(creator)\" does not exist") }
            let code = TokenService.opaqueToken(prefix: "cri_")
            let invite = try await state.createInvite(creator: creator, codeHash: code.hash, createdBy: identity.userID,
                                                expiresAt: Date().addingTimeInterval(Double(body.expiresInDays) * 86_400), maxUses: body.maxUses)
            return try jsonResponse(InviteJSON(invite, code: code.token), status: .created)
        }
        manage.get("creators/{creator}/invites") { _, context in
            let (_, creator) = try inviteManager(context)
            struct List: Encodable { var invites: [InviteJSON] }
            return try jsonResponse(List(invites: try await state.invites(creator: creator).map { InviteJSON($0) }))
        }
        manage.delete("creators/{creator}/invites/{id}") { _, context in
            let (_, creator) = try inviteManager(context)
            let id = try context.parameters.require("id")
            guard try await state.revokeInvite(id: id, creator: creator) else { throw APIError.notFound("no live invite \(id) of creator \"\(creator)\"") }
            return emptyResponse()
        }
    }

    /// The caller and the creator of the path, when the caller is that creator or an admin.
    private func inviteManager(_ context: AppContext) throws -> (Identity, String) {
        let creator = try authorizedCreator(context)
        let identity = try context.caller()
        guard identity.role != .member else { throw APIError.forbidden("invites are made by the creator or an admin") }
        return (identity, creator)
    }
}
