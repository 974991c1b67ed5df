public import Tokenization

/// Why the embedder an index records cannot embed its queries.
public enum RecordedEmbedderError: Error, CustomStringConvertible {
    /// The model cannot be loaded or reached.
    case unavailable(EmbedderDescriptor, String)
    /// A model answers, but not the one the index was built with (another digest, dimension
    /// or prefix).
    case mismatch(recorded: EmbedderDescriptor, available: EmbedderDescriptor)

    public var description: String {
        switch self {
        case .unavailable(let descriptor, let reason):
            "the embedder \(descriptor.summary) is not available: \(reason)"
        case .mismatch(let recorded, let available):
            "the index was built with \(recorded.summary), but the available embedder is \(available.summary); rebuild the index or restore that model"
        }
    }
}

extension EmbedderDescriptor {
    /// The embedder this descriptor records, ready to embed queries: the local model, or the
    /// Ollama model at `ollama` with the recorded prefixes. Never a different one: a model that
    /// differs in any field (its digest included) is a `.mismatch`.
    public func makeEmbedder(ollama: OllamaEndpoint, tokenizer: WordPieceTokenizer, timeout: Double = 120) async throws(RecordedEmbedderError) -> any Embedder {
        let embedder: any Embedder
        do {
            switch provider {
            case .local:
                guard model == LocalEmbedder.modelName else {
                    throw EmbeddingError.modelMissing(LocalEmbedder.defaultModelDirectory().path, "the local embedder runs \(LocalEmbedder.modelName) only, not \(model)")
                }
                embedder = try LocalEmbedder(tokenizer: tokenizer)
            case .ollama:
                var configuration = OllamaConfiguration(endpoint: ollama)
                configuration.model = model
                configuration.documentPrefix = documentPrefix
                configuration.queryPrefix = queryPrefix
                configuration.timeout = timeout
                embedder = try await OllamaEmbedder.connect(configuration: configuration, tokenizer: tokenizer)
            }
        } catch {
            throw .unavailable(self, "\(error)")
        }
        guard embedder.descriptor == self else { throw .mismatch(recorded: self, available: embedder.descriptor) }
        return embedder
    }
}
