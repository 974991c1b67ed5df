public import Retrieval
public import Embedding
public import Foundation
public import State
public import Prometheus

/// Everything `coachrag serve` can be told; defaults are the documented ones.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Root of `<creator>/CURRENT` + version files, written by `coachrag ingest`.
    public var indexRoot = URL(fileURLWithPath: "indexes")
    /// Holds the JWT signing key, and `coachrag.sqlite` unless `database` names another store.
    public var stateDirectory = URL(fileURLWithPath: "state")
    /// The state store (`--database URL`); nil: SQLite in `stateDirectory`.
    public var database: DatabaseLocation?
    /// PostgreSQL's connection pool and statement time limit.
    public var postgres = PostgresStateStore.Options()
    /// Where the state lives.
    public var databaseLocation: DatabaseLocation { database ?? .sqlite(inStateDirectory: stateDirectory) }
    /// Pipeline files (`*.yml`) giving each creator's persona and retrieval settings.
    public var pipelinesDirectory: URL? = URL(fileURLWithPath: "pipelines")
    public var ollama = OllamaEndpoint()
    public var chatModel = "llama3.2:1b"
    /// Open index mappings kept (least recently used closed first).
    public var maxOpenIndexes = 64
    /// Seconds allowed to reach Ollama, for its first token, between tokens, and in all.
    public var ollamaConnectTimeout: Double = 2
    public var firstTokenTimeout: Double = 60
    public var tokenGapTimeout: Double = 30
    public var generationTimeout: Double = 180
    /// Answers streaming from Ollama at once (connections to it).
    public var maxConcurrentGenerations = 64
    /// Seconds a connection may sit without a complete request (half a request line, or idle
    /// between keep-alive requests) before it is closed.
    public var idleTimeout: Double = 20
    /// Connections held open at once; more are closed as soon as they are accepted.
    public var maxConnections = 1000
    /// Conversations per user, messages per conversation, title length.
    public var contentLimits = ContentLimits()
    /// Largest request body, bytes.
    public var maxBodyBytes = 64 << 10
    /// Token bucket per client (an IPv4 address, or an IPv6 /64): sustained requests per second
    /// and burst.
    public var rateLimitPerSecond: Double = 50
    public var rateLimitBurst: Double = 100
    /// The lower bucket of `/auth/login` and `/auth/register` per client (each costs an Argon2
    /// hash): sustained per second and burst.
    public var authRateLimitPerSecond: Double = 1
    public var authRateLimitBurst: Double = 10
    /// Requests per second per browser API key (one with allowed origins: a widget's), over all
    /// its visitors, on top of each visitor's own limit. 0: no limit.
    public var browserKeyRateLimitPerSecond: Double = 5
    public var browserKeyRateLimitBurst: Double = 30
    /// Password guessing: per account and address a lockout, per account a backoff.
    public var loginThrottle = LoginThrottle()
    /// Password hashes waiting for a core, beyond one running per core; more get 503.
    public var passwordQueueLength = 8
    public var accessTokenLifetime: TimeInterval = 15 * 60
    public var refreshTokenLifetime: TimeInterval = 30 * 24 * 3600
    /// Threads that run the built-in model for queries, and questions that may wait for one
    /// (more: 503 with `Retry-After`).
    public var queryEmbeddingThreads = ProcessInfo.processInfo.activeProcessorCount
    public var queryEmbeddingQueueLength = 256
    /// The longest question (and context turn), in the embedder's word pieces.
    public var maxQuestionPieces = 512
    /// Query vectors remembered per embedder (repeated questions skip the model).
    public var queryCacheSize = 4096
    /// Who may register into a creator whose pipeline file has no `registration:`.
    public var registration: RegistrationPolicy = .invite
    /// Default retrieval settings (a creator's pipeline file may override k and efSearch).
    public var retrieval = AnsweringSettings()
    /// Seconds a readiness report is reused (probes every few hundred milliseconds do not
    /// open every index each time).
    public var readinessCacheSeconds: Double = 5
    /// Where `/metrics` reads from: the registry swift-metrics was bootstrapped with
    /// (`CoachServer.bootstrapMetrics`), or nil for one of this server's own.
    public var metricsRegistry: PrometheusCollectorRegistry?
    /// Log JSON lines to standard error (off: quiet, for tests and benchmarks).
    public var logRequests = true

    public init() {}
}

/// How a creator's passages are retrieved and answered from.
public struct AnsweringSettings: Sendable, Hashable {
    /// How passages are retrieved (method, fusion weight, candidates, follow-up context).
    public var search = RetrievalSettings()
    /// Passages given to the model.
    public var k = 4
    /// HNSW candidate list (nil: the index's own efSearch).
    public var efSearch: Int?
    /// Below this confidence the answer says the material does not cover the question.
    public var minimumConfidence = 0.25
    /// Tokens of conversation history kept in the prompt (newest first).
    public var historyTokenBudget = 1024
    /// Tokens reserved for the answer (`num_predict`).
    public var answerTokens = 512
    public var persona = AnsweringSettings.defaultPersona

    public static let defaultPersona = """
        You are a coaching assistant. Answer only from the coaching material provided below, \
        cite the passages you use as [1], [2] and so on, and say plainly when the material does \
        not cover a question.
        """

    public init() {}
}
