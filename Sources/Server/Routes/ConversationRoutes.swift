import Foundation
import Hummingbird
import Logging
import NIOCore
import State

extension Services {
    /// Conversations and messages (JSON or Server-Sent Events), and the legacy
    /// `POST /ai/conversations`. A caller reaches only its own conversations.
    func addConversationRoutes(_ group: RouterGroup<AppContext>) {
        let limit = configuration.maxBodyBytes
        group.post("creators/{creator}/conversations") { request, context in
            let creator = try authorizedCreator(context)
            let body = try await StrictJSON.decode(NewConversationBody.self, from: request, limit: limit, allowEmpty: true)
            if let title = body.title, title.count > configuration.contentLimits.titleCharacters {
                throw APIError.invalid("title", "must be at most \(configuration.contentLimits.titleCharacters) characters")
            }
            guard try state.creatorExists(creator) else { throw APIError.notFound("creator \"\(creator)\" does not exist") }
            let conversation = try state.createConversation(userID: try context.caller().userID, creator: creator, title: body.title, limits: configuration.contentLimits)
            return try jsonResponse(ConversationJSON(conversation), status: .created)
        }
        group.get("conversations") { request, context in
            let (pageSize, cursor) = try PageRequest.parse(request, defaultLimit: 50, maxLimit: 200)
            let page = try state.conversations(userID: try context.caller().userID, limit: pageSize, cursor: cursor)
            return try jsonResponse(PagedList(name: "conversations", items: page.items.map(ConversationJSON.init), nextCursor: page.nextCursor))
        }
        group.delete("conversations/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard try state.deleteConversation(id: id, userID: try context.caller().userID) else { throw APIError.notFound("no conversation \(id) of yours") }
            return emptyResponse()
        }
        group.get("conversations/{id}/messages") { request, context in
            let conversation = try ownConversation(context)
            let (pageSize, cursor) = try PageRequest.parse(request, defaultLimit: 100, maxLimit: 500)
            let page = try state.messages(conversationID: conversation.id, limit: pageSize, cursor: cursor)
            return try jsonResponse(PagedList(name: "messages", items: page.items.map { MessageJSON($0) }, nextCursor: page.nextCursor))
        }
        group.post("conversations/{id}/messages") { request, context in
            let conversation = try ownConversation(context)
            let body = try await StrictJSON.decode(MessageBody.self, from: request, limit: limit)
            try checkQuestion(body.content, field: "content")
            guard try context.caller().mayAccess(creator: conversation.creator) else { throw APIError.forbidden("creator \"\(conversation.creator)\" is not your tenant") }
            return try await post(body.content, to: conversation, stream: body.stream, logger: context.logger,
                                  path: request.uri.path, requestID: context.requestID)
        }
        group.post("ai/conversations") { request, context in
            let body = try await StrictJSON.decode(LegacyConversationBody.self, from: request, limit: limit)
            try checkQuestion(body.query, field: "query")
            let identity = try context.caller()
            guard identity.mayAccess(creator: body.creator_id) else { throw APIError.forbidden("creator \"\(body.creator_id)\" is not your tenant") }
            let conversation: Conversation
            if let id = body.conversation_id {
                guard let existing = try state.conversation(id: id, userID: identity.userID), existing.creator == body.creator_id else {
                    throw APIError.notFound("no conversation \(id) of yours with creator \"\(body.creator_id)\"")
                }
                conversation = existing
            } else {
                guard try state.creatorExists(body.creator_id) else { throw APIError.notFound("creator \"\(body.creator_id)\" does not exist") }
                conversation = try state.createConversation(userID: identity.userID, creator: body.creator_id, title: nil, limits: configuration.contentLimits)
            }
            let message = try await answer(body.query, in: conversation, logger: context.logger, onToken: { _ in })
            struct Legacy: Encodable { var conversation_id: String, answer: String, citations: [Citation], confidence: Double?, mode: String? }
            return try jsonResponse(Legacy(conversation_id: conversation.id, answer: message.content, citations: message.citations,
                                           confidence: message.confidence, mode: message.mode))
        }
    }

    private func ownConversation(_ context: AppContext) throws -> Conversation {
        let id = try context.parameters.require("id")
        guard let conversation = try state.conversation(id: id, userID: try context.caller().userID) else {
            throw APIError.notFound("no conversation \(id) of yours")
        }
        return conversation
    }

    private func post(_ content: String, to conversation: Conversation, stream: Bool, logger: Logger, path: String, requestID: String) async throws -> Response {
        guard stream else {
            let message = try await answer(content, in: conversation, logger: logger, onToken: { _ in })
            return try jsonResponse(message)
        }
        // Retrieval errors (no index, embedder mismatch) are answered as problems before the
        // stream starts; once it has started, everything arrives as events.
        _ = try retriever.indexes.lease(conversation.creator)
        let body = ResponseBody { writer in
            func send(_ event: String, _ json: String) async throws {
                try await writer.write(ByteBuffer(string: "event: \(event)\ndata: \(json)\n\n"))
            }
            do {
                let message = try await answer(content, in: conversation, logger: logger) { token in
                    try await send("token", encodedJSON(["text": token]) ?? "{}")
                }
                struct CitationsEvent: Encodable { var citations: [Citation] }
                try await send("citations", encodedJSON(CitationsEvent(citations: message.citations)) ?? "{}")
                try await send("done", encodedJSON(message) ?? "{}")
            } catch {
                // A client's error arrives as the problem document a non-streamed request gets.
                guard let problem = (error as? APIError) ?? (error as? StateError)?.apiError else { throw error }
                try await send("error", String(decoding: problem.problemBody(path: path, requestID: requestID), as: UTF8.self))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// Stores the question, answers it, stores the answer. The assistant message is written
    /// first as incomplete and completed at the end, so a client that goes away mid-stream (or
    /// a crash) leaves an incomplete message with what was generated so far, never a lost one.
    private func answer(_ question: String, in conversation: Conversation, logger: Logger, onToken: (String) async throws -> Void) async throws -> MessageJSON {
        var assistant = StoredMessage(conversationID: conversation.id, role: "assistant", content: "", complete: false)
        let previous = try state.beginExchange(question: StoredMessage(conversationID: conversation.id, role: "user", content: question, complete: true),
                                               placeholder: assistant, limits: configuration.contentLimits).map { (role: $0.role, content: $0.content) }
        var partial = ""
        do {
            let answer = try await answers.answer(question: question, creator: conversation.creator, history: previous, logger: logger) { token in
                partial += token
                try await onToken(token)
            }
            assistant.content = answer.content
            assistant.citationsJSON = encodedJSON(answer.citations)
            assistant.confidence = answer.confidence
            assistant.mode = answer.mode.rawValue
            assistant.notice = answer.notice
            assistant.usageJSON = answer.usage.flatMap(encodedJSON)
            assistant.timingsJSON = encodedJSON(answer.timings)
            assistant.retrievalQuery = answer.retrievalQuery
            assistant.complete = answer.complete
            try state.save(assistant)
            return MessageJSON(assistant, answer: answer)
        } catch {
            assistant.content = partial
            assistant.notice = "incomplete: \(error is APIError ? "\(error)" : "the answer was interrupted")"
            try? state.save(assistant)
            throw error
        }
    }
}
