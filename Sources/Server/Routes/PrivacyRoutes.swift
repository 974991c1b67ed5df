import Foundation
import Hummingbird

extension Services {
    /// `GET /me/export` (all of the caller's data) and `DELETE /me` (erase it all).
    func addPrivacyRoutes(_ group: RouterGroup<AppContext>) {
        group.get("me/export") { _, context in
            let identity = try context.caller()
            guard let user = try state.user(id: identity.userID) else { throw APIError.unauthorized("the account no longer exists") }
            struct ConversationExport: Encodable { var conversation: ConversationJSON; var messages: [MessageJSON] }
            struct Key: Encodable { var id: String, name: String, created_at: String }
            struct Session: Encodable { var family: String, created_at: String, revoked: Bool }
            struct Export: Encodable {
                var exported_at: String, user: UserJSON, conversations: [ConversationExport], api_keys: [Key], sessions: [Session]
            }
            let conversations = try state.conversations(userID: user.id).map {
                ConversationExport(conversation: ConversationJSON($0), messages: try state.messages(conversationID: $0.id).map { MessageJSON($0) })
            }
            let export = Export(
                exported_at: iso8601(Date()), user: UserJSON(user), conversations: conversations,
                api_keys: try state.apiKeys(userID: user.id).map { Key(id: $0.id, name: $0.name, created_at: iso8601($0.createdAt)) },
                sessions: try state.sessions(userID: user.id).map { Session(family: $0.id, created_at: iso8601($0.createdAt), revoked: $0.revokedAt != nil) }
            )
            var response = try jsonResponse(export)
            response.headers[.contentDisposition] = "attachment; filename=\"coachrag-export.json\""
            return response
        }
        group.delete("me") { _, context in
            try auth.deleteAccount(try context.caller())
            return emptyResponse()
        }
    }
}
