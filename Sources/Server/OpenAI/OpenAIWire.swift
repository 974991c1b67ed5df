import Foundation
import Hummingbird
import NIOCore

/// OpenAI's response shapes for `/v1`: the model list, `chat.completion`, the
/// `chat.completion.chunk` events of a stream, and the error object. Citations, confidence and
/// mode travel in the `coachrag` extension field (see docs/http-api.md).
enum OpenAIWire {
    /// A creator's model id: `coach-<creator>`.
    static func modelID(creator: String) -> String { "coach-" + creator }

    /// The creator a model id names, when it has the documented form.
    static func creator(model: String) -> String? {
        guard model.hasPrefix("coach-"), model.count > 6 else { return nil }
        return String(model.dropFirst(6))
    }

    /// `/v1` and everything under it answer OpenAI's error object.
    static func isOpenAIPath(_ path: String) -> Bool { path == "/v1" || path.hasPrefix("/v1/") }

    struct Model: Encodable {
        var id: String
        var object = "model"
        var created: Int
        var owned_by: String
    }

    struct ModelList: Encodable {
        var object = "list"
        var data: [Model]
    }

    /// The `coachrag` extension: what our own API says about an answer.
    struct Extension: Encodable {
        var citations: [Citation]
        var confidence: Double
        var mode: String
        /// False when the confidence guard answered that the material does not cover it.
        var covered: Bool
        var notice: String?
        var retrieval_query: String
        var timings: Timings
        var conversation_id: String?

        init(_ answer: Answer, conversationID: String?) {
            citations = answer.citations
            confidence = answer.confidence
            mode = answer.mode.rawValue
            covered = answer.covered
            notice = answer.notice
            retrieval_query = answer.retrievalQuery
            timings = answer.timings
            conversation_id = conversationID
        }

        enum CodingKeys: String, CodingKey { case citations, confidence, mode, covered, notice, retrieval_query, timings, conversation_id }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(citations, forKey: .citations)
            try container.encode(confidence, forKey: .confidence)
            try container.encode(mode, forKey: .mode)
            try container.encode(covered, forKey: .covered)
            try container.encode(notice, forKey: .notice)
            try container.encode(retrieval_query, forKey: .retrieval_query)
            try container.encode(timings, forKey: .timings)
            try container.encodeIfPresent(conversation_id, forKey: .conversation_id)
        }
    }

    /// OpenAI's `usage` (with the total); zeros for an answer that generated nothing.
    struct CompletionUsage: Encodable {
        var prompt_tokens: Int
        var completion_tokens: Int
        var total_tokens: Int

        init(_ usage: Usage?) {
            prompt_tokens = usage?.prompt_tokens ?? 0
            completion_tokens = usage?.completion_tokens ?? 0
            total_tokens = prompt_tokens + completion_tokens
        }
    }

    /// One completion's identity, shared by all of a stream's chunks.
    struct Header: Sendable {
        var id = "chatcmpl-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var created = Int(Date().timeIntervalSince1970)
        var model: String
    }

    static func finishReason(_ answer: Answer) -> String { answer.stoppedAtLimit ? "length" : "stop" }

    /// The non-streamed `chat.completion`.
    static func completion(_ answer: Answer, header: Header, conversationID: String?) -> Data {
        struct Message: Encodable {
            var role = "assistant"
            var content: String
            var refusal: String? = nil
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(role, forKey: .role)
                try container.encode(content, forKey: .content)
                try container.encode(refusal, forKey: .refusal)
            }
            enum CodingKeys: String, CodingKey { case role, content, refusal }
        }
        struct Choice: Encodable {
            var index = 0
            var message: Message
            var finish_reason: String
            var logprobs: String? = nil
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(index, forKey: .index)
                try container.encode(message, forKey: .message)
                try container.encode(finish_reason, forKey: .finish_reason)
                try container.encode(logprobs, forKey: .logprobs)
            }
            enum CodingKeys: String, CodingKey { case index, message, finish_reason, logprobs }
        }
        struct Completion: Encodable {
            var id: String
            var object = "chat.completion"
            var created: Int
            var model: String
            var choices: [Choice]
            var usage: CompletionUsage
            var coachrag: Extension
        }
        let completion = Completion(id: header.id, created: header.created, model: header.model,
                                    choices: [Choice(message: Message(content: answer.content), finish_reason: finishReason(answer))],
                                    usage: CompletionUsage(answer.usage), coachrag: Extension(answer, conversationID: conversationID))
        return Data((encodedJSON(completion) ?? "{}").utf8)
    }

    /// One `data:` event of a stream: a `chat.completion.chunk` with a content delta (the first
    /// also names the role), or the last one with `finish_reason` and the extension. With
    /// `include_usage`, every chunk has `"usage": null` and a last chunk with no choices carries it.
    static func chunk(_ header: Header, role: Bool = false, content: String? = nil, finish: (reason: String, extension: Extension)? = nil,
                      includeUsage: Bool) -> ByteBuffer {
        var json = JSONText(capacity: 256 + (content?.utf8.count ?? 0))
        json.raw("data: {\"id\":"); json.string(header.id)
        json.raw(",\"object\":\"chat.completion.chunk\",\"created\":"); json.number(header.created)
        json.raw(",\"model\":"); json.string(header.model)
        json.raw(",\"choices\":[{\"index\":0,\"delta\":{")
        var separator = ""
        if role { json.raw("\"role\":\"assistant\""); separator = "," }
        if let content { json.raw(separator + "\"content\":"); json.string(content) }
        json.raw("},\"logprobs\":null,\"finish_reason\":")
        if let finish { json.string(finish.reason) } else { json.raw("null") }
        json.raw("}]")
        if includeUsage { json.raw(",\"usage\":null") }
        if let finish { json.raw(",\"coachrag\":" + (encodedJSON(finish.extension) ?? "null")) }
        json.raw("}\n\n")
        return ByteBuffer(bytes: json.bytes)
    }

    /// The usage chunk of `stream_options.include_usage`: no choices, the whole answer's usage.
    static func usageChunk(_ header: Header, usage: Usage?) -> ByteBuffer {
        struct Chunk: Encodable {
            var id: String
            var object = "chat.completion.chunk"
            var created: Int
            var model: String
            var choices: [String] = []
            var usage: CompletionUsage
        }
        let chunk = Chunk(id: header.id, created: header.created, model: header.model, usage: CompletionUsage(usage))
        return ByteBuffer(string: "data: " + (encodedJSON(chunk) ?? "{}") + "\n\n")
    }

    static let done = ByteBuffer(string: "data: [DONE]\n\n")

    /// An error in the middle of a stream: `data: {"error": {...}}`, as OpenAI sends it (its
    /// clients raise it as an `APIError`).
    static func errorEvent(_ error: APIError) -> ByteBuffer {
        ByteBuffer(string: "data: " + String(decoding: error.openAIBody(), as: UTF8.self) + "\n\n")
    }
}

extension APIError {
    /// OpenAI's error object, `{"error": {"message", "type", "param", "code"}}`, with the
    /// status OpenAI would use (a field error is 400, not 422) and `Retry-After` kept.
    func openAIResponse() -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let status: HTTPResponse.Status = self.status == .unprocessableContent ? .badRequest : self.status
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: openAIBody())))
    }

    func openAIBody() -> Data {
        struct Body: Encodable {
            struct Inner: Encodable {
                var message: String, type: String, param: String?, code: String?
                func encode(to encoder: any Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(message, forKey: .message)
                    try container.encode(type, forKey: .type)
                    try container.encode(param, forKey: .param)
                    try container.encode(code, forKey: .code)
                }
                enum CodingKeys: String, CodingKey { case message, type, param, code }
            }
            var error: Inner
        }
        let type: String = switch status.code {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 429: "rate_limit_error"
        case 500...: "server_error"
        default: "invalid_request_error"
        }
        let code: String = switch (status.code, slug) {
        case (401, _): "invalid_api_key"
        case (429, _): "rate_limit_exceeded"
        default: slug.replacingOccurrences(of: "-", with: "_")
        }
        let body = Body(error: .init(message: detail, type: type, param: fieldErrors.first?.field, code: code))
        return Data((encodedJSON(body) ?? "{}").utf8)
    }
}
