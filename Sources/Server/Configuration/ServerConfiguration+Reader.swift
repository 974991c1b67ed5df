public import Configuration
public import Embedding
import Foundation
import State

/// A server setting that was given but cannot be used, named by its key.
public struct ServerSettingError: Error, CustomStringConvertible {
    public var key: String
    public var problem: String
    public var description: String { "setting \(key) (COACHRAG_\(ServerConfiguration.environmentName(key))): \(problem)" }
}

extension ServerConfiguration {
    /// One setting: its key (in a settings file, and as `COACHRAG_<KEY>` in the environment)
    /// and what it means.
    public struct Setting: Sendable {
        public var key: String
        public var help: String
    }

    /// Every setting `read(from:)` understands, for `--help` and the README.
    public static let settings: [Setting] = [
        .init(key: "host", help: "address to listen on (127.0.0.1)"),
        .init(key: "port", help: "port to listen on, 0 for any free one (8080)"),
        .init(key: "indexes", help: "root folder of the indexes (indexes)"),
        .init(key: "state", help: "folder of the signing key, and of the SQLite database unless database.url says (state)"),
        .init(key: "database.url", help: "state store: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require] (sqlite:<state>/coachrag.sqlite)"),
        .init(key: "database.poolSize", help: "PostgreSQL connections per server (10)"),
        .init(key: "database.statementTimeout", help: "seconds a PostgreSQL statement may run (5)"),
        .init(key: "pipelines", help: "folder of the pipeline files with personas and retrieval settings (pipelines)"),
        .init(key: "ollama.host", help: "Ollama's address (else $OLLAMA_HOST, else 127.0.0.1:11434)"),
        .init(key: "ollama.connectTimeout", help: "seconds to connect to Ollama (2)"),
        .init(key: "chatModel", help: "Ollama chat model (llama3.2:1b)"),
        .init(key: "firstTokenTimeout", help: "seconds to wait for the first token before answering extractively (60)"),
        .init(key: "tokenGapTimeout", help: "seconds allowed between tokens (30)"),
        .init(key: "generationTimeout", help: "seconds allowed for a whole answer (180)"),
        .init(key: "maxConcurrentGenerations", help: "answers streaming from Ollama at once (64)"),
        .init(key: "maxOpenIndexes", help: "index files kept mapped, least recently used closed first (64)"),
        .init(key: "idleTimeout", help: "seconds a connection may wait without a complete request, at most 30 (20)"),
        .init(key: "maxConnections", help: "connections held at once; more are closed when accepted (1000)"),
        .init(key: "maxBodyBytes", help: "largest request body (65536)"),
        .init(key: "rateLimit", help: "requests per second per client address, 0 for none (50)"),
        .init(key: "rateLimitBurst", help: "burst of that bucket (twice the rate)"),
        .init(key: "authRateLimit", help: "logins and registrations per second per client address (1)"),
        .init(key: "authRateLimitBurst", help: "burst of that bucket (ten times the rate, at least 10)"),
        .init(key: "browserKeyRateLimit", help: "requests per second per browser API key, over all its visitors (5)"),
        .init(key: "browserKeyRateLimitBurst", help: "burst of that bucket (six times the rate)"),
        .init(key: "login.attempts", help: "failed logins per account and address before a lockout (5)"),
        .init(key: "login.window", help: "seconds those attempts are counted over (900)"),
        .init(key: "login.lockout", help: "seconds of a lockout (900)"),
        .init(key: "login.accountAttempts", help: "failed logins per account, from anywhere, before a backoff (20)"),
        .init(key: "login.maxBackoff", help: "longest backoff, seconds (900)"),
        .init(key: "passwordQueueLength", help: "password checks that may wait for a thread; more get 503 (8)"),
        .init(key: "accessTokenLifetime", help: "seconds an access token lives (900)"),
        .init(key: "refreshTokenLifetime", help: "seconds a refresh token lives (2592000)"),
        .init(key: "queryEmbeddingThreads", help: "threads that embed questions with the built-in model (the cores)"),
        .init(key: "queryEmbeddingQueueLength", help: "questions that may wait for one; more get 503 (256)"),
        .init(key: "maxQuestionPieces", help: "longest question, in word pieces (512)"),
        .init(key: "queryCacheSize", help: "query vectors remembered (4096)"),
        .init(key: "registration", help: "open, invite or closed, for creators whose pipeline file does not say (invite)"),
        .init(key: "retrieval.k", help: "passages given to the model, unless a pipeline file says (4)"),
        .init(key: "retrieval.minConfidence", help: "below this confidence the answer says the material does not cover it (0.25)"),
        .init(key: "retrieval.historyTokens", help: "tokens of conversation history in the prompt (1024)"),
        .init(key: "retrieval.answerTokens", help: "tokens reserved for an answer (512)"),
        .init(key: "limits.conversationsPerUser", help: "conversations a user may keep (1000)"),
        .init(key: "limits.messagesPerConversation", help: "messages in one conversation (1000)"),
        .init(key: "limits.titleCharacters", help: "longest conversation title (200)"),
        .init(key: "readinessCacheSeconds", help: "seconds a readiness report is reused (5)"),
        .init(key: "logRequests", help: "one JSON log line per request (true)"),
    ]

    /// `ollama.connectTimeout` → `OLLAMA_CONNECT_TIMEOUT` (swift-configuration's mapping).
    public static func environmentName(_ key: String) -> String {
        var name = ""
        for character in key {
            if character == "." { name += "_" } else if character.isUppercase { name += "_" + String(character) } else { name += character.uppercased() }
        }
        return name
    }

    /// Every setting from `reader`, each missing one at its default. A value of the wrong
    /// type, or out of its range, is an error naming the key.
    public static func read(from reader: ConfigReader) async throws -> ServerConfiguration {
        var c = ServerConfiguration()
        func string(_ key: ConfigKey, _ value: inout String) async throws { value = try await reader.fetchString(forKey: key, default: value) }
        func url(_ key: ConfigKey, _ value: inout URL) async throws {
            if let path = try await reader.fetchString(forKey: key) { value = URL(fileURLWithPath: path) }
        }
        func int(_ key: ConfigKey, _ value: inout Int, _ range: ClosedRange<Int>) async throws {
            value = try await reader.fetchInt(forKey: key, default: value)
            guard range.contains(value) else { throw ServerSettingError(key: "\(key)", problem: "must be \(range.lowerBound)...\(range.upperBound), not \(value)") }
        }
        func double(_ key: ConfigKey, _ value: inout Double, _ range: ClosedRange<Double>) async throws {
            // A whole number (`rateLimit: 7` in YAML, an integer in JSON) is a number too.
            do {
                value = try await reader.fetchDouble(forKey: key, default: value)
            } catch {
                guard let whole = try? await reader.fetchInt(forKey: key) else { throw error }
                value = Double(whole)
            }
            guard range.contains(value) else { throw ServerSettingError(key: "\(key)", problem: "must be \(range.lowerBound.formatted())...\(range.upperBound.formatted()), not \(value.formatted())") }
        }
        let anyCount = 0...Int(Int32.max), seconds = 0.001...1e9

        try await string("host", &c.host)
        try await int("port", &c.port, 0...65535)
        try await url("indexes", &c.indexRoot)
        try await url("state", &c.stateDirectory)
        if let text = try await reader.fetchString(forKey: "database.url") {
            do { c.database = try DatabaseLocation(parsing: text) } catch { throw ServerSettingError(key: "database.url", problem: "\(error)") }
        }
        try await int("database.poolSize", &c.postgres.poolSize, 1...10_000)
        var statementSeconds = Double(c.postgres.statementTimeout.components.seconds)
        try await double("database.statementTimeout", &statementSeconds, seconds)
        c.postgres.statementTimeout = .milliseconds(Int64((statementSeconds * 1000).rounded()))
        if let pipelines = try await reader.fetchString(forKey: "pipelines") { c.pipelinesDirectory = URL(fileURLWithPath: pipelines) }
        do {
            c.ollama = try await reader.fetchString(forKey: "ollama.host").map { try OllamaEndpoint(parsing: $0) } ?? OllamaEndpoint.fromEnvironment()
        } catch let error as ServerSettingError {
            throw error
        } catch {
            throw ServerSettingError(key: "ollama.host", problem: "\(error)")
        }
        try await double("ollama.connectTimeout", &c.ollamaConnectTimeout, seconds)
        try await string("chatModel", &c.chatModel)
        try await double("firstTokenTimeout", &c.firstTokenTimeout, seconds)
        try await double("tokenGapTimeout", &c.tokenGapTimeout, seconds)
        try await double("generationTimeout", &c.generationTimeout, seconds)
        try await int("maxConcurrentGenerations", &c.maxConcurrentGenerations, 1...100_000)
        try await int("maxOpenIndexes", &c.maxOpenIndexes, 1...1_000_000)
        try await double("idleTimeout", &c.idleTimeout, 0.001...30)
        try await int("maxConnections", &c.maxConnections, 1...1_000_000)
        try await int("maxBodyBytes", &c.maxBodyBytes, 1024...(64 << 20))
        try await double("rateLimit", &c.rateLimitPerSecond, 0...1e9)
        c.rateLimitBurst = c.rateLimitPerSecond * 2
        try await double("rateLimitBurst", &c.rateLimitBurst, 0...1e9)
        try await double("authRateLimit", &c.authRateLimitPerSecond, 0...1e9)
        c.authRateLimitBurst = max(10, c.authRateLimitPerSecond * 10)
        try await double("authRateLimitBurst", &c.authRateLimitBurst, 0...1e9)
        try await double("browserKeyRateLimit", &c.browserKeyRateLimitPerSecond, 0...1e9)
        c.browserKeyRateLimitBurst = c.browserKeyRateLimitPerSecond * 6
        try await double("browserKeyRateLimitBurst", &c.browserKeyRateLimitBurst, 0...1e9)
        try await int("login.attempts", &c.loginThrottle.limit, 1...1_000_000)
        try await double("login.window", &c.loginThrottle.window, seconds)
        try await double("login.lockout", &c.loginThrottle.lockout, seconds)
        try await int("login.accountAttempts", &c.loginThrottle.accountLimit, 1...1_000_000)
        try await double("login.maxBackoff", &c.loginThrottle.maxBackoff, seconds)
        try await int("passwordQueueLength", &c.passwordQueueLength, 0...100_000)
        try await double("accessTokenLifetime", &c.accessTokenLifetime, 1...86_400)
        try await double("refreshTokenLifetime", &c.refreshTokenLifetime, 60...(400 * 86_400))
        try await int("queryEmbeddingThreads", &c.queryEmbeddingThreads, 1...1024)
        try await int("queryEmbeddingQueueLength", &c.queryEmbeddingQueueLength, 0...1_000_000)
        try await int("maxQuestionPieces", &c.maxQuestionPieces, 1...100_000)
        try await int("queryCacheSize", &c.queryCacheSize, anyCount)
        if let name = try await reader.fetchString(forKey: "registration") {
            guard let policy = RegistrationPolicy(rawValue: name) else { throw ServerSettingError(key: "registration", problem: "must be open, invite or closed, not \"\(name)\"") }
            c.registration = policy
        }
        try await int("retrieval.k", &c.retrieval.k, 1...50)
        try await double("retrieval.minConfidence", &c.retrieval.minimumConfidence, 0...1)
        try await int("retrieval.historyTokens", &c.retrieval.historyTokenBudget, 0...1_000_000)
        try await int("retrieval.answerTokens", &c.retrieval.answerTokens, 1...1_000_000)
        try await int("limits.conversationsPerUser", &c.contentLimits.conversationsPerUser, 1...Int(Int32.max))
        try await int("limits.messagesPerConversation", &c.contentLimits.messagesPerConversation, 2...Int(Int32.max))
        try await int("limits.titleCharacters", &c.contentLimits.titleCharacters, 1...100_000)
        try await double("readinessCacheSeconds", &c.readinessCacheSeconds, 0...3600)
        c.logRequests = try await reader.fetchBool(forKey: "logRequests", default: c.logRequests)
        return c
    }
}
