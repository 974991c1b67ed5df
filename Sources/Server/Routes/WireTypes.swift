import Foundation
import Hummingbird
import Retrieval
import State

// Request bodies: every field checked, unknown fields refused (see `StrictJSON`).

struct RegisterBody: JSONRequestBody {
    static let fields: Set<String> = ["email", "password", "creator", "invite"]
    var email: String, password: String, creator: String
    var invite: String?
}

/// `POST /creators/{creator}/invites`: `{expires_in_days?, max_uses?}`.
struct InviteBody: JSONRequestBody {
    static let fields: Set<String> = ["expires_in_days", "max_uses"]
    var expiresInDays: Int
    var maxUses: Int

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        expiresInDays = try container.decodeIfPresent(Int.self, forKey: .expires_in_days) ?? 14
        if !(1...365).contains(expiresInDays) { throw APIError.invalid("expires_in_days", "must be 1 to 365") }
        maxUses = try container.decodeIfPresent(Int.self, forKey: .max_uses) ?? 1
        if !(1...10_000).contains(maxUses) { throw APIError.invalid("max_uses", "must be 1 to 10000") }
    }
    enum CodingKeys: String, CodingKey { case expires_in_days, max_uses }
}

/// An invite as listed (and, once, with its code when created).
struct InviteJSON: Encodable {
    var id: String, creator: String, code: String?, created_at: String, expires_at: String, max_uses: Int, uses: Int, revoked: Bool
    init(_ invite: Invite, code: String? = nil) {
        id = invite.id; creator = invite.creator; self.code = code; created_at = iso8601(invite.createdAt); expires_at = iso8601(invite.expiresAt)
        max_uses = invite.maxUses; uses = invite.uses; revoked = invite.revokedAt != nil
    }
}

struct LoginBody: JSONRequestBody {
    static let fields: Set<String> = ["email", "password"]
    var email: String, password: String
}

struct RefreshBody: JSONRequestBody {
    static let fields: Set<String> = ["refresh_token"]
    var refresh_token: String
}

struct LogoutBody: JSONRequestBody {
    static let fields: Set<String> = ["refresh_token"]
    var refresh_token: String?
}

/// `POST /auth/api-keys`: `{name, scopes, expires_in_days?, allowed_origins?}`.
struct APIKeyBody: JSONRequestBody {
    static let fields: Set<String> = ["name", "scopes", "expires_in_days", "allowed_origins"]
    var name: String
    var scopes: Set<APIKeyScope>
    var expires_in_days: Int?
    /// Lower-cased `scheme://host[:port]` origins.
    var allowed_origins: [String]?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name) { (1...100).contains($0.count) ? nil : "must be 1 to 100 characters" }
        let names = try container.decode([String].self, forKey: .scopes) { $0.isEmpty ? "must name at least one of search, chat, manage" : nil }
        scopes = try Set(names.map { name in
            guard let scope = APIKeyScope(rawValue: name) else { throw APIError.invalid("scopes", "\"\(name)\" is not a scope (search, chat, manage)") }
            return scope
        })
        expires_in_days = try container.decodeIfPresent(Int.self, forKey: .expires_in_days)
        if let days = expires_in_days, !(1...3650).contains(days) { throw APIError.invalid("expires_in_days", "must be 1 to 3650") }
        allowed_origins = try container.decodeIfPresent([String].self, forKey: .allowed_origins).map { origins in
            guard (1...20).contains(origins.count) else { throw APIError.invalid("allowed_origins", "must list 1 to 20 origins") }
            return try origins.map { origin in
                guard let normalised = Self.origin(origin) else {
                    throw APIError.invalid("allowed_origins", "\"\(origin)\" is not an origin like https://coach.example")
                }
                return normalised
            }
        }
    }
    enum CodingKeys: String, CodingKey { case name, scopes, expires_in_days, allowed_origins }

    /// `scheme://host[:port]` lower-cased, or nil when `text` is not one (a path, a query or
    /// another scheme than http/https is not an origin).
    /// A browser origin, `http(s)://host[:port]`, lower-cased: the host is dot-separated labels
    /// of letters, digits and inner hyphens, the port 1–65535 (docs/openapi.py has the same rule
    /// as a pattern). Anything else (a path, a wildcard, user info) is not an origin.
    static func origin(_ text: String) -> String? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        let lowered = text.lowercased()
        guard lowered.count <= 200, let separator = lowered.range(of: "://") else { return nil }
        let scheme = lowered[..<separator.lowerBound]
        guard scheme == "http" || scheme == "https" else { return nil }
        let authority = lowered[separator.upperBound...]
        let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let labels = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        let validLabel: (Substring) -> Bool = { label in
            guard let first = label.first, let last = label.last, first != "-", last != "-" else { return false }
            return label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
        }
        guard labels.allSatisfy(validLabel) else { return nil }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port), parts[1].first != "0", parts[1].allSatisfy(\.isASCII) else { return nil }
        }
        return lowered
    }
}

/// An API key as listed (and, once, with its secret when created).
struct APIKeyJSON: Encodable {
    var key: APIKey
    var secret: String?
    init(_ key: APIKey, secret: String? = nil) {
        self.key = key
        self.secret = secret
    }

    enum CodingKeys: String, CodingKey { case id, name, key, scopes, created_at, last_used_at, expires_at, allowed_origins }

    /// Unknown times and unlimited origins are written as `null`, never left out.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key.id, forKey: .id)
        try container.encode(key.name, forKey: .name)
        if let secret { try container.encode(secret, forKey: .key) }
        try container.encode(APIKeyScope.allCases.filter(key.scopes.contains).map(\.rawValue), forKey: .scopes)
        try container.encode(iso8601(key.createdAt), forKey: .created_at)
        try container.encode(key.lastUsedAt.map(iso8601), forKey: .last_used_at)
        try container.encode(key.expiresAt.map(iso8601), forKey: .expires_at)
        try container.encode(key.allowedOrigins, forKey: .allowed_origins)
    }
}

/// `DELETE /me`: `{password}`.
struct DeleteAccountBody: JSONRequestBody {
    static let fields: Set<String> = ["password"]
    var password: String
}

struct SearchBody: JSONRequestBody {
    static let fields: Set<String> = ["query", "k", "min_score", "context", "method"]
    var query: String, k: Int, min_score: Float
    /// Earlier turns, oldest first (at most `ConversationQuery.maxTurns`).
    var context: [Turn]
    var method: RetrievalSettings.Method?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        query = try container.decode(String.self, forKey: .query) { Self.questionProblem($0) }
        k = try container.decodeIfPresent(Int.self, forKey: .k) ?? 5
        if !(1...50).contains(k) { throw APIError.invalid("k", "must be between 1 and 50") }
        // As a Double first: a JSON number too small for a Float (a subnormal) is still a number.
        min_score = Float(try container.decodeIfPresent(Double.self, forKey: .min_score) ?? -1)
        if !(-1...1).contains(min_score) { throw APIError.invalid("min_score", "must be between -1 and 1") }
        context = try Self.turns(container, .context)
        if let name = try container.decodeIfPresent(String.self, forKey: .method) {
            guard let method = RetrievalSettings.Method(rawValue: name) else { throw APIError.invalid("method", "must be hybrid, dense or lexical") }
            self.method = method
        }
    }
    enum CodingKeys: String, CodingKey { case query, k, min_score, context, method }

    /// `context`: a list of `{role: "user"|"assistant", content}`, each content 1–4,000 characters.
    static func turns<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> [Turn] {
        let name = key.stringValue
        let bodies: [TurnBody]
        do {
            bodies = try container.decodeIfPresent([TurnBody].self, forKey: key) ?? []
        } catch let error as TurnBody.UnknownField {
            throw APIError.invalid(name, "turns have only role and content; \"\(error.name)\" is not a field")
        } catch {
            throw APIError.invalid(name, "must be a list of {\"role\": \"user\" or \"assistant\", \"content\": string}")
        }
        if bodies.count > ConversationQuery.maxTurns { throw APIError.invalid(name, "must have at most \(ConversationQuery.maxTurns) turns") }
        return try bodies.enumerated().map { index, body in
            guard let role = Turn.Role(rawValue: body.role) else { throw APIError.invalid("\(name)[\(index)].role", "must be \"user\" or \"assistant\"") }
            if let problem = questionProblem(body.content) { throw APIError.invalid("\(name)[\(index)].content", problem) }
            return Turn(role: role, content: body.content)
        }
    }

    static func questionProblem(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "must not be empty" }
        if text.count > 4000 { return "must be at most 4000 characters" }
        return nil
    }
}

/// One `context` turn as sent, before its role and content are checked; other fields are refused.
private struct TurnBody: Decodable {
    struct UnknownField: Error { var name: String }
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
    var role: String
    var content: String

    enum CodingKeys: String, CodingKey { case role, content }

    init(from decoder: any Decoder) throws {
        if let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.first(where: { CodingKeys(rawValue: $0.stringValue) == nil }) {
            throw UnknownField(name: unknown.stringValue)
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        content = try container.decode(String.self, forKey: .content)
    }
}

struct NewConversationBody: JSONRequestBody {
    static let fields: Set<String> = ["title"]
    var title: String?
}

struct MessageBody: JSONRequestBody {
    static let fields: Set<String> = ["content", "stream"]
    var content: String, stream: Bool

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        content = try container.decode(String.self, forKey: .content) { SearchBody.questionProblem($0) }
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream) ?? false
    }
    enum CodingKeys: String, CodingKey { case content, stream }
}

struct LegacyConversationBody: JSONRequestBody {
    static let fields: Set<String> = ["query", "creator_id", "conversation_id"]
    var query: String, creator_id: String, conversation_id: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        query = try container.decode(String.self, forKey: .query) { SearchBody.questionProblem($0) }
        creator_id = try container.decode(String.self, forKey: .creator_id)
        conversation_id = try container.decodeIfPresent(String.self, forKey: .conversation_id)
    }
    enum CodingKeys: String, CodingKey { case query, creator_id, conversation_id }
}

// Responses.

struct UserJSON: Encodable {
    var id: String, email: String, role: String, creator: String?, created_at: String
    init(_ user: User) {
        id = user.id; email = user.email; role = user.role.rawValue; creator = user.creator; created_at = iso8601(user.createdAt)
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id); try container.encode(email, forKey: .email); try container.encode(role, forKey: .role)
        try container.encode(creator, forKey: .creator); try container.encode(created_at, forKey: .created_at)
    }
    enum CodingKeys: String, CodingKey { case id, email, role, creator, created_at }
}

struct ConversationJSON: Encodable {
    var id: String, creator: String, title: String?, created_at: String, updated_at: String
    init(_ conversation: Conversation) {
        id = conversation.id; creator = conversation.creator; title = conversation.title
        created_at = iso8601(conversation.createdAt); updated_at = iso8601(conversation.updatedAt)
    }
}

struct MessageJSON: Encodable {
    var id: String, conversation_id: String, role: String, content: String
    var citations: [Citation], confidence: Double?, mode: String?, notice: String?, complete: Bool
    var usage: Usage?, timings: Timings?, retrieval_query: String?, created_at: String

    /// A stored message; `answer`, when the caller has it at hand, saves decoding the JSON
    /// columns that were just written from it.
    init(_ message: StoredMessage, answer: Answer? = nil) {
        id = message.id; conversation_id = message.conversationID; role = message.role; content = message.content
        confidence = message.confidence; mode = message.mode; notice = message.notice; complete = message.complete
        retrieval_query = message.retrievalQuery
        created_at = iso8601(message.createdAt)
        if let answer {
            citations = answer.citations; usage = answer.usage; timings = answer.timings
        } else {
            citations = message.citationsJSON.flatMap { try? JSONDecoder().decode([Citation].self, from: Data($0.utf8)) } ?? []
            usage = message.usageJSON.flatMap { try? JSONDecoder().decode(Usage.self, from: Data($0.utf8)) }
            timings = message.timingsJSON.flatMap { try? JSONDecoder().decode(Timings.self, from: Data($0.utf8)) }
        }
    }

    enum CodingKeys: String, CodingKey { case id, conversation_id, role, content, citations, confidence, mode, notice, complete, usage, timings, retrieval_query, created_at }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id); try container.encode(conversation_id, forKey: .conversation_id)
        try container.encode(role, forKey: .role); try container.encode(content, forKey: .content)
        try container.encode(citations, forKey: .citations); try container.encode(confidence, forKey: .confidence)
        try container.encode(mode, forKey: .mode); try container.encode(notice, forKey: .notice)
        try container.encode(complete, forKey: .complete); try container.encode(usage, forKey: .usage)
        try container.encode(timings, forKey: .timings); try container.encode(created_at, forKey: .created_at)
        if role == "assistant" { try container.encode(retrieval_query, forKey: .retrieval_query) }
    }
}

func iso8601(_ date: Date) -> String {
    date.formatted(.iso8601)
}

/// A JSON response (snake_case wire structs, sorted keys).
func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

func emptyResponse(_ status: HTTPResponse.Status = .noContent) -> Response {
    Response(status: status)
}

func encodedJSON(_ value: some Encodable) -> String? {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
}
