import Foundation

/// The body of `POST /v1/chat/completions`, in OpenAI's wire format. Every documented Chat
/// Completions parameter is accepted by name (a misspelt one is refused); those that change
/// the answer are honoured, those this server cannot honour with a non-default value (`n` > 1,
/// tools, log probabilities, audio, a JSON response format) are refused with their name, and
/// the rest (`logit_bias`, `service_tier`, `reasoning_effort`, ...) have no effect here.
struct ChatCompletionRequest: JSONRequestBody {
    /// One message of `messages`, its content flattened to text.
    struct Message: Sendable, Equatable {
        enum Role: String, Sendable { case system, developer, user, assistant, tool }
        var role: Role
        var content: String
    }

    var model: String
    var messages: [Message]
    var stream: Bool
    var includeUsage: Bool
    var maxTokens: Int?
    var sampling: Sampling
    var user: String?
    /// Opt-in storage (`store: true`): the exchange is kept as a conversation of the caller.
    var store: Bool
    var metadata: [String: String]

    static let fields: Set<String> = [
        "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop",
        "user", "n", "seed", "frequency_penalty", "presence_penalty", "store", "metadata", "logprobs", "top_logprobs",
        "logit_bias", "response_format", "tools", "tool_choice", "parallel_tool_calls", "functions", "function_call",
        "service_tier", "modalities", "audio", "reasoning_effort", "prediction", "web_search_options", "safety_identifier",
        "prompt_cache_key", "verbosity",
    ]

    /// The last user message: what retrieval and generation answer.
    var question: String { messages.last?.content ?? "" }

    /// The turns before the question (user and assistant), for follow-up retrieval and history.
    var history: [(role: String, content: String)] {
        messages.dropLast().compactMap { message in
            switch message.role {
            case .user, .assistant: (role: message.role.rawValue, content: message.content)
            case .system, .developer, .tool: nil
            }
        }
    }

    /// The application's system and developer messages, joined.
    var instructions: String? {
        let texts = messages.filter { $0.role == .system || $0.role == .developer }.map(\.content).filter { !$0.isEmpty }
        return texts.isEmpty ? nil : texts.joined(separator: "\n\n")
    }
}

extension ChatCompletionRequest: Decodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        func optional<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? { try container.decodeIfPresent(type, forKey: Key(name)) }
        func number(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
            guard let value = try optional(Double.self, name) else { return nil }
            guard range.contains(value) else { throw APIError.invalid(name, "must be between \(range.lowerBound.formatted()) and \(range.upperBound.formatted())") }
            return value
        }

        model = try container.decode(String.self, forKey: Key("model"))
        let raw = try container.decode([RawMessage].self, forKey: Key("messages"))
        guard !raw.isEmpty else { throw APIError.invalid("messages", "must hold at least one message") }
        let messages = try raw.enumerated().map { try $0.element.message(field: "messages[\($0.offset)]") }
        guard let last = messages.last, last.role == .user else { throw APIError.invalid("messages", "must end with a user message (the question)") }
        guard !last.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.invalid("messages[\(messages.count - 1)].content", "must not be empty")
        }
        self.messages = messages

        let stream = try optional(Bool.self, "stream") ?? false
        struct StreamOptions: Decodable { var include_usage: Bool? }
        let includeUsage = try optional(StreamOptions.self, "stream_options")?.include_usage ?? false
        self.stream = stream
        self.includeUsage = includeUsage
        if includeUsage && !stream { throw APIError.invalid("stream_options", "is only allowed with stream: true") }

        var maxTokens: Int?
        for name in ["max_completion_tokens", "max_tokens"] {
            guard let value = try optional(Int.self, name) else { continue }
            guard value >= 1 else { throw APIError.invalid(name, "must be at least 1") }
            maxTokens = min(maxTokens ?? .max, value)
        }
        self.maxTokens = maxTokens
        var sampling = Sampling()
        sampling.temperature = try number("temperature", in: 0...2)
        sampling.topP = try number("top_p", in: 0...1)
        sampling.frequencyPenalty = try number("frequency_penalty", in: -2...2)
        sampling.presencePenalty = try number("presence_penalty", in: -2...2)
        sampling.seed = try optional(Int.self, "seed")
        if let single = try? container.decode(String.self, forKey: Key("stop")) {
            sampling.stop = [single]
        } else if let list = try optional([String].self, "stop") {
            guard list.count <= 4 else { throw APIError.invalid("stop", "must hold at most 4 sequences") }
            sampling.stop = list.isEmpty ? nil : list
        }
        self.sampling = sampling
        user = try optional(String.self, "user")
        store = try optional(Bool.self, "store") ?? false
        metadata = try optional([String: String].self, "metadata") ?? [:]

        // What this server cannot do is refused by name rather than silently ignored.
        if let n = try optional(Int.self, "n"), n != 1 { throw APIError.invalid("n", "must be 1 (one answer per request)") }
        if try optional(Bool.self, "logprobs") == true { throw APIError.invalid("logprobs", "log probabilities are not available") }
        for name in ["tools", "functions"] where container.contains(Key(name)) {
            if try container.decodeNil(forKey: Key(name)) { continue }
            if let list = try? container.decode([JSONValue].self, forKey: Key(name)), list.isEmpty { continue }
            throw APIError.invalid(name, "tool calls are not supported; the coach answers from its material")
        }
        if container.contains(Key("audio")), try container.decodeNil(forKey: Key("audio")) == false {
            throw APIError.invalid("audio", "audio output is not supported")
        }
        if let modalities = try optional([String].self, "modalities"), modalities.contains(where: { $0 != "text" }) {
            throw APIError.invalid("modalities", "only \"text\" is supported")
        }
        struct ResponseFormat: Decodable { var type: String }
        if let format = try optional(ResponseFormat.self, "response_format"), format.type != "text" {
            throw APIError.invalid("response_format", "only {\"type\": \"text\"} is supported")
        }
    }

    /// A message as sent: content a string, an array of parts, or null (an assistant's).
    private struct RawMessage: Decodable {
        var role: String
        var content: Content?

        enum Content: Decodable {
            case text(String)
            case parts([Part])

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) { self = .text(text) } else { self = .parts(try container.decode([Part].self)) }
            }
        }

        struct Part: Decodable { var type: String; var text: String?; var refusal: String? }

        func message(field: String) throws -> Message {
            guard let role = Message.Role(rawValue: role) else {
                throw APIError.invalid("\(field).role", "must be system, developer, user, assistant or tool")
            }
            switch content {
            case nil:
                guard role == .assistant || role == .tool else { throw APIError.invalid("\(field).content", "is required") }
                return Message(role: role, content: "")
            case .text(let text):
                return Message(role: role, content: text)
            case .parts(let parts):
                var texts: [String] = []
                for (index, part) in parts.enumerated() {
                    switch part.type {
                    case "text":
                        guard let text = part.text else { throw APIError.invalid("\(field).content[\(index)].text", "is required") }
                        texts.append(text)
                    case "refusal":
                        continue
                    default:
                        throw APIError.invalid("\(field).content[\(index)].type", "only text content is supported, not \"\(part.type)\"")
                    }
                }
                return Message(role: role, content: texts.joined(separator: "\n"))
            }
        }
    }
}

/// Any JSON value (for fields whose shape only matters as "present or empty").
private enum JSONValue: Decodable {
    case value

    init(from decoder: any Decoder) throws { self = .value }
}
