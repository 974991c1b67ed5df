import Foundation
import Hummingbird
import NIOCore

extension Services {
    /// `GET /me/export` (all of the caller's data; the `manage` scope) and `DELETE /me` (erase
    /// it all; a login session and the password).
    func addPrivacyRoutes(_ group: RouterGroup<AppContext>, manage: RouterGroup<AppContext>) {
        manage.get("me/export") { _, context in
            let identity = try context.caller()
            guard let user = try await state.user(id: identity.userID) else { throw APIError.unauthorized("the account no longer exists") }
            struct ConversationExport: Encodable { var conversation: ConversationJSON; var messages: [MessageJSON] }
            struct Key: Encodable { var id: String, name: String, created_at: String }
            struct Session: Encodable { var family: String, created_at: String, revoked: Bool }
            struct Head: Encodable { var exported_at: String, user: UserJSON, api_keys: [Key], sessions: [Session] }
            let head = Head(
                exported_at: iso8601(Date()), user: UserJSON(user),
                api_keys: try await state.apiKeys(userID: user.id).map { Key(id: $0.id, name: $0.name, created_at: iso8601($0.createdAt)) },
                sessions: try await state.sessions(userID: user.id).map { Session(family: $0.id, created_at: iso8601($0.createdAt), revoked: $0.revokedAt != nil) }
            )
            // Streamed a conversation at a time: an account with a thousand long conversations
            // is never held in memory whole. The object is the head's fields plus "conversations".
            let store = state
            let body = ResponseBody { writer in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                var opening = try encoder.encode(head)
                opening.removeLast()  // the closing brace
                try await writer.write(ByteBuffer(bytes: opening))
                try await writer.write(ByteBuffer(string: ",\"conversations\":["))
                var cursor: String?
                var first = true
                repeat {
                    let page = try await store.conversations(userID: user.id, limit: 20, cursor: cursor)
                    for conversation in page.items {
                        let messages = try await store.messages(conversationID: conversation.id, userID: user.id).map { MessageJSON($0) }
                        var chunk = first ? Data() : Data(",".utf8)
                        chunk.append(try encoder.encode(ConversationExport(conversation: ConversationJSON(conversation), messages: messages)))
                        try await writer.write(ByteBuffer(bytes: chunk))
                        first = false
                    }
                    cursor = page.nextCursor
                } while cursor != nil
                try await writer.write(ByteBuffer(string: "]}"))
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "application/json", .contentDisposition: "attachment; filename=\"coachrag-export.json\""], body: body)
        }
        group.delete("me") { request, context in
            let body = try await StrictJSON.decode(DeleteAccountBody.self, from: request, limit: configuration.maxBodyBytes)
            try await auth.deleteAccount(try context.caller(), password: body.password, client: context.clientKey)
            return emptyResponse()
        }
    }
}
