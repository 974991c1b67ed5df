import Foundation
import HTTPTypes
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
            guard try await state.creatorExists(creator) else { throw APIError.notFound("creator \"\(creator)\" does not exist") }
            let conversation = try await state.createConversation(userID: try context.caller().userID, creator: creator, title: body.title, limits: configuration.contentLimits)
            return try jsonResponse(ConversationJSON(conversation), status: .created)
        }
        group.get("conversations") { request, context in
            let (pageSize, cursor) = try PageRequest.parse(request, defaultLimit: 50, maxLimit: 200)
            let page = try await state.conversations(userID: try context.caller().userID, limit: pageSize, cursor: cursor)
            return try jsonResponse(PagedList(name: "conversations", items: page.items.map(ConversationJSON.init), nextCursor: page.nextCursor))
        }
        group.delete("conversations/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard try await state.deleteConversation(id: id, userID: try context.caller().userID) else { throw APIError.notFound("no conversation \(id) of yours") }
            return emptyResponse()
        }
        group.get("conversations/{id}/messages") { request, context in
            let conversation = try await ownConversation(context)
            let (pageSize, cursor) = try PageRequest.parse(request, defaultLimit: 100, maxLimit: 500)
            let page = try await state.messages(conversationID: conversation.id, userID: conversation.userID, limit: pageSize, cursor: cursor)
            return try jsonResponse(PagedList(name: "messages", items: page.items.map { MessageJSON($0) }, nextCursor: page.nextCursor))
        }
        group.post("conversations/{id}/messages") { request, context in
            let conversation = try await ownConversation(context)
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
            let conversation = try await findOrCreateConversation(id: body.conversation_id, creator: body.creator_id, title: nil, identity: identity)
            let (_, answer) = try await answer(body.query, in: conversation, logger: context.logger, onToken: { _ in })
            struct Legacy: Encodable { var conversation_id: String, answer: String, citations: [Citation], confidence: Double?, mode: String? }
            return try jsonResponse(Legacy(conversation_id: conversation.id, answer: answer.content, citations: answer.citations,
                                           confidence: answer.confidence, mode: answer.mode.rawValue))
        }
    }

    /// A conversation of the caller's with `creator`, or one newly made for it.
    func findOrCreateConversation(id: String?, creator: String, title: String?, identity: Identity) async throws -> Conversation {
        if let id {
            guard let existing = try await state.conversation(id: id, userID: identity.userID), existing.creator == creator else {
                throw APIError.notFound("no conversation \(id) of yours with creator \"\(creator)\"")
            }
            return existing
        }
        guard try await state.creatorExists(creator) else { throw APIError.notFound("creator \"\(creator)\" does not exist") }
        return try await state.createConversation(userID: identity.userID, creator: creator, title: title, limits: configuration.contentLimits)
    }

    /// Server-Sent Events: not cached, not buffered by a proxy (nginx honours `X-Accel-Buffering`).
    var eventStreamHeaders: HTTPFields {
        [.contentType: "text/event-stream", .cacheControl: "no-cache", .accelBuffering: "no"]
    }

    private func ownConversation(_ context: AppContext) async throws -> Conversation {
        let id = try context.parameters.require("id")
        guard let conversation = try await state.conversation(id: id, userID: try context.caller().userID) else {
            throw APIError.notFound("no conversation \(id) of yours")
        }
        return conversation
    }

    private func post(_ content: String, to conversation: Conversation, stream: Bool, logger: Logger, path: String, requestID: String) async throws -> Response {
        guard stream else {
            let (stored, answer) = try await answer(content, in: conversation, logger: logger, onToken: { _ in })
            return try jsonResponse(MessageJSON(stored, answer: answer))
        }
        // Retrieval errors (no index, embedder mismatch) are answered as problems before the
        // stream starts; once it has started, everything arrives as events.
        _ = try retriever.indexes.lease(conversation.creator)
        let body = ResponseBody { writer in
            func send(_ event: String, _ json: String) async throws {
                try await writer.write(ByteBuffer(string: "event: \(event)\ndata: \(json)\n\n"))
            }
            do {
                let (stored, answer) = try await answer(content, in: conversation, logger: logger) { token in
                    try await send("token", encodedJSON(["text": token]) ?? "{}")
                }
                struct CitationsEvent: Encodable { var citations: [Citation] }
                try await send("citations", encodedJSON(CitationsEvent(citations: answer.citations)) ?? "{}")
                try await send("done", encodedJSON(MessageJSON(stored, answer: answer)) ?? "{}")
            } catch {
                // A client's error arrives as the problem document a non-streamed request gets.
                guard let problem = (error as? APIError) ?? (error as? StateError)?.apiError else { throw error }
                try await send("error", String(decoding: problem.problemBody(path: path, requestID: requestID), as: UTF8.self))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: eventStreamHeaders, body: body)
    }

    /// Stores the question, answers it, stores the answer. The assistant message is written
    /// first as incomplete and completed at the end, so a client that goes away mid-stream (or
    /// a crash) leaves an incomplete message with what was generated so far, never a lost one.
    /// `history`: the turns the client sent (`/v1`), instead of the stored ones.
    func answer(_ question: String, in conversation: Conversation, history: [(role: String, content: String)]? = nil,
                client: AnswerService.ClientGeneration = .init(), logger: Logger,
                onToken: (String) async throws -> Void) async throws -> (stored: StoredMessage, answer: Answer) {
        var assistant = StoredMessage(conversationID: conversation.id, role: "assistant", content: "", complete: false)
        let stored = try await state.beginExchange(question: StoredMessage(conversationID: conversation.id, role: "user", content: question, complete: true),
                                             placeholder: assistant, userID: conversation.userID, limits: configuration.contentLimits).map { (role: $0.role, content: $0.content) }
        var partial = ""
        do {
            let answer = try await answers.answer(question: question, creator: conversation.creator, history: history ?? stored,
                                                  client: client, logger: logger) { token in
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
            try await state.save(assistant, userID: conversation.userID)
            return (assistant, answer)
        } catch {
            assistant.content = partial
            assistant.notice = "incomplete: \(error is APIError ? "\(error)" : "the answer was interrupted")"
            try? await state.save(assistant, userID: conversation.userID)
            throw error
        }
    }
}
