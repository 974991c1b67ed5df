import ArgumentParser
import Embedding
import Foundation
import Tokenization

/// Which embedder to use and how to reach it; shared by `embed`, `ingest` and `search`.
struct EmbedderOptions: ParsableArguments {
    enum Provider: String, ExpressibleByArgument, CaseIterable {
        case local, ollama
    }

    @Option(help: "local (built-in all-MiniLM-L6-v2, offline) or ollama (nomic-embed-text).")
    var embedder: Provider = .local

    @Option(help: "Model name (default: all-MiniLM-L6-v2 for local, nomic-embed-text for ollama).")
    var model: String?

    @Option(help: "Ollama address (default: $OLLAMA_HOST, else 127.0.0.1:11434).")
    var ollamaHost: String?

    @Option(help: "Inputs per Ollama request.")
    var batchSize: Int = 32

    @Option(help: "Ollama requests in flight at once.")
    var concurrency: Int = 2

    func validate() throws {
        guard batchSize >= 1, concurrency >= 1 else { throw ValidationError("--batch-size and --concurrency must be at least 1") }
    }

    /// The embedder an index records, ready to embed queries; exit 3 when it cannot be built or
    /// is not the same (model digest included) as the one recorded.
    static func matching(_ recorded: EmbedderDescriptor, ollamaHost: String?) async throws -> any Embedder {
        do {
            let endpoint = try ollamaHost.map { try OllamaEndpoint(parsing: $0) } ?? OllamaEndpoint.fromEnvironment()
            return try await recorded.makeEmbedder(ollama: endpoint, tokenizer: WordPieceTokenizer.bundled())
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.embedderUnavailable)
        }
    }

    /// Builds the embedder; failures exit with status 3 (embedder unreachable or misconfigured).
    func make() async throws -> any Embedder {
        do {
            let tokenizer = try WordPieceTokenizer.bundled()
            switch embedder {
            case .ollama:
                var configuration = OllamaConfiguration(endpoint: try ollamaHost.map { try OllamaEndpoint(parsing: $0) } ?? OllamaEndpoint.fromEnvironment())
                if let model { configuration.model = model }
                configuration.batchSize = batchSize
                configuration.concurrency = concurrency
                return try await OllamaEmbedder.connect(configuration: configuration, tokenizer: tokenizer)
            case .local:
                if let model, model != LocalEmbedder.modelName {
                    throw EmbeddingError.modelMissing(LocalEmbedder.defaultModelDirectory().path, "the local embedder runs \(LocalEmbedder.modelName) only, not \(model)")
                }
                return try LocalEmbedder(tokenizer: tokenizer)
            }
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.embedderUnavailable)
        }
    }
}
