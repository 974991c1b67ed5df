import Foundation
import Logging
import Retrieval
import State
import Tokenization

/// Everything a request handler needs, built once at start.
struct Services: Sendable {
    let configuration: ServerConfiguration
    let state: any StateStore
    let auth: AuthService
    let tokens: TokenService
    let indexes: IndexRegistry
    let retriever: Retriever
    let answers: AnswerService
    let chat: OllamaChatClient
    let metrics: ServerMetrics
    let openAPI: Data
    let tokenizer: WordPieceTokenizer
    let readinessCache: ReadinessCache
    let widget: WidgetAssets

    static func start(configuration: ServerConfiguration) async throws -> Services {
        let metrics = configuration.metricsRegistry.map { ServerMetrics(registry: $0) } ?? ServerMetrics()
        let state = try await StateStores.open(configuration.databaseLocation, postgres: configuration.postgres)
        let tokens = try await TokenService.load(stateDirectory: configuration.stateDirectory, accessLifetime: configuration.accessTokenLifetime)
        let settings = CreatorSettings(pipelinesDirectory: configuration.pipelinesDirectory, defaults: configuration.retrieval,
                                       defaultRegistration: configuration.registration)
        let auth = try AuthService(state: state, tokens: tokens, configuration: configuration, creators: settings)
        let tokenizer = try WordPieceTokenizer.bundled()
        var indexLogger = Logger(label: "coachrag.indexes")
        if !configuration.logRequests { indexLogger.logLevel = max(indexLogger.logLevel, .error) }
        let indexes = IndexRegistry(root: configuration.indexRoot, maxOpen: configuration.maxOpenIndexes, metrics: metrics, logger: indexLogger)
        let embedders = QueryEmbedders(tokenizer: tokenizer, ollama: configuration.ollama, cacheCapacity: configuration.queryCacheSize, metrics: metrics,
                                       threads: configuration.queryEmbeddingThreads, queueLength: configuration.queryEmbeddingQueueLength)
        let retriever = Retriever(indexes: indexes, embedders: embedders, metrics: metrics, engine: HybridRetriever(tokenizer: tokenizer))
        let chat = OllamaChatClient(configuration: configuration)
        let answers = AnswerService(retriever: retriever, chat: chat, prompts: PromptBuilder(tokenizer: tokenizer), settings: settings, metrics: metrics)
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let openAPI = try? Data(contentsOf: url) else {
            throw ServerError.missingResource("openapi.json")
        }
        return Services(configuration: configuration, state: state, auth: auth, tokens: tokens, indexes: indexes, retriever: retriever,
                        answers: answers, chat: chat, metrics: metrics, openAPI: openAPI, tokenizer: tokenizer,
                        readinessCache: ReadinessCache(lifetime: .milliseconds(Int64(configuration.readinessCacheSeconds * 1000))),
                        widget: try WidgetAssets.load())
    }

    /// A question (or a context turn) longer than `ServerConfiguration.maxQuestionPieces` word
    /// pieces is refused as a field error: the work of a query is bounded, not only its
    /// characters.
    func checkQuestion(_ text: String, field: String) throws {
        let pieces = tokenizer.tokenize(text).count
        guard pieces <= configuration.maxQuestionPieces else {
            throw APIError.invalid(field, "must be at most \(configuration.maxQuestionPieces) word pieces (this one is \(pieces))")
        }
    }

    func shutdown() async {
        await chat.shutdown()
        await retriever.embedders.shutdown()
        try? await state.close()
    }
}

/// Why the server could not start.
public enum ServerError: Error, CustomStringConvertible {
    case missingResource(String)

    public var description: String {
        switch self {
        case .missingResource(let name): "the server's bundled \(name) is missing (broken installation)"
        }
    }
}
