import Foundation
import Hummingbird
import Logging
import NIOCore
import State

extension Services {
    /// The OpenAI-compatible API: `GET /v1/models` (one model per creator the caller may use)
    /// and `POST /v1/chat/completions` (the last user message answered from the creator's
    /// material, the earlier turns as conversation context). Stateless unless the request says
    /// `store: true`.
    func addOpenAIRoutes(models: RouterGroup<AppContext>, chat: RouterGroup<AppContext>) {
        models.get("models") { _, context in
            let identity = try context.caller()
            let list = try await state.creatorsCreated().filter { identity.mayAccess(creator: $0.id) }.map { creator in
                OpenAIWire.Model(id: OpenAIWire.modelID(creator: creator.id), created: Int(creator.createdAt.timeIntervalSince1970), owned_by: creator.id)
            }
            return try jsonResponse(OpenAIWire.ModelList(data: list))
        }
        models.get("models/{model}") { _, context in
            let model = try context.parameters.require("model")
            let creator = try await accessibleCreator(model: model, identity: try context.caller())
            let created = try await state.creatorsCreated().first { $0.id == creator }?.createdAt ?? Date()
            return try jsonResponse(OpenAIWire.Model(id: model, created: Int(created.timeIntervalSince1970), owned_by: creator))
        }
        let limit = configuration.maxBodyBytes
        chat.post("chat/completions") { request, context in
            let body = try await StrictJSON.decode(ChatCompletionRequest.self, from: request, limit: limit)
            let identity = try context.caller()
            let creator = try await accessibleCreator(model: body.model, identity: identity)
            for (index, message) in body.messages.enumerated() where message.role == .user || message.role == .assistant {
                try checkQuestion(message.content, field: "messages[\(index)].content")
            }
            let client = AnswerService.ClientGeneration(instructions: body.instructions, sampling: body.sampling, maxTokens: body.maxTokens)
            let conversation = body.store
                ? try await findOrCreateConversation(id: body.metadata["conversation_id"], creator: creator, title: body.metadata["title"], identity: identity)
                : nil
            let logger = context.logger
            let run: @Sendable ((String) async throws -> Void) async throws -> Answer = { onToken in
                if let conversation {
                    return try await answer(body.question, in: conversation, history: body.history, client: client, logger: logger, onToken: onToken).answer
                }
                return try await answers.answer(question: body.question, creator: creator, history: body.history, client: client, logger: logger, onToken: onToken)
            }
            let header = OpenAIWire.Header(model: body.model)
            guard body.stream else {
                let answer = try await run { _ in }
                let data = OpenAIWire.completion(answer, header: header, conversationID: conversation?.id)
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
            // Retrieval errors (no index, embedder mismatch) are answered with a status before
            // the stream starts; once it has started, an error arrives as a `data: {"error"}` event.
            _ = try retriever.indexes.lease(creator)
            let includeUsage = body.includeUsage
            let stream = ResponseBody { writer in
                try await writer.write(OpenAIWire.chunk(header, role: true, content: "", includeUsage: includeUsage))
                var streamed = ""
                do {
                    let answer = try await run { token in
                        streamed += token
                        try await writer.write(OpenAIWire.chunk(header, content: token, includeUsage: includeUsage))
                    }
                    // The not-covered answer and the extractive fallback (after any generated
                    // text) arrive as one more delta.
                    let content = answer.content.utf8
                    let rest = content.starts(with: streamed.utf8) ? String(decoding: content.dropFirst(streamed.utf8.count), as: UTF8.self) : answer.content
                    if !rest.isEmpty { try await writer.write(OpenAIWire.chunk(header, content: rest, includeUsage: includeUsage)) }
                    let finish = (reason: OpenAIWire.finishReason(answer), extension: OpenAIWire.Extension(answer, conversationID: conversation?.id))
                    try await writer.write(OpenAIWire.chunk(header, finish: finish, includeUsage: includeUsage))
                    if includeUsage { try await writer.write(OpenAIWire.usageChunk(header, usage: answer.usage)) }
                } catch {
                    guard let problem = (error as? APIError) ?? (error as? StateError)?.apiError else { throw error }
                    try await writer.write(OpenAIWire.errorEvent(problem))
                }
                try await writer.write(OpenAIWire.done)
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: eventStreamHeaders, body: stream)
        }
    }

    /// The creator a model id names, when the caller may use it. A model that does not exist
    /// and one of another tenant get the same 404, as OpenAI answers a model you cannot use.
    private func accessibleCreator(model: String, identity: Identity) async throws -> String {
        guard let creator = OpenAIWire.creator(model: model), identity.mayAccess(creator: creator), try await state.creatorExists(creator) else {
            throw APIError(status: .notFound, slug: "model-not-found",
                           detail: "the model \"\(model)\" does not exist or you do not have access to it (models are coach-<creator>; see GET /v1/models)",
                           fieldErrors: [.init(field: "model", message: "unknown model")])
        }
        return creator
    }
}
