/// How the Ollama embedder talks to its server; the defaults suit `nomic-embed-text`.
public struct OllamaConfiguration: Sendable, Hashable {
    public var endpoint: OllamaEndpoint
    public var model: String = "nomic-embed-text"
    /// Inputs per `/api/embed` request.
    public var batchSize: Int = 32
    /// Requests in flight at once.
    public var concurrency: Int = 2
    /// The model's context in tokens as Ollama runs it (nomic-embed-text: 2048); no input,
    /// prefix and [CLS]/[SEP] included, may exceed it.
    public var contextTokens: Int = 2048
    /// nomic-embed-text's task prefixes.
    public var documentPrefix: String = "search_document: "
    public var queryPrefix: String = "search_query: "
    /// Seconds one request may take.
    public var timeout: Double = 120
    public var retry = RetryPolicy()

    public init(endpoint: OllamaEndpoint = OllamaEndpoint()) {
        self.endpoint = endpoint
    }

    public func validate() throws(OllamaError) {
        guard batchSize >= 1, concurrency >= 1, contextTokens >= 8, timeout > 0 else {
            throw .invalidHost(endpoint.description, "batch size and concurrency must be at least 1, the context at least 8 tokens, the timeout positive")
        }
    }
}
