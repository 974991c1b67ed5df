import ArgumentParser
import Embedding
import Foundation
import Ingestion
import Pipelines
import Retrieval
import Tokenization
import VectorIndex

/// The retrieval flags of `search` and `eval`: start from a pipeline file's `retrieval:` section
/// (or the defaults), then apply the flags.
struct RetrievalOptions: ParsableArguments {
    @Option(help: "Read the retrieval settings from this pipeline file's retrieval: section.")
    var pipeline: String?

    @Option(help: "hybrid (default), dense or lexical.")
    var method: String?

    @Option(help: "Weight of the dense score in hybrid fusion, 0…1 (default 0.5).")
    var weight: Float?

    @Option(help: "Candidates per side before fusion (default 50).")
    var candidates: Int?

    @Option(help: "Weight of a chunk's best-window score in hybrid ranking (default 0.3).")
    var windowWeight: Float?

    @Option(help: "Fused candidates re-ranked by their best window (default 10).")
    var rerankDepth: Int?

    @Option(help: "Share of a chunk's dense score from its best passage (default 0.5).")
    var passageWeight: Float?

    @Option(help: "Excerpt bonus for sentences in the best passage (default 0.15).")
    var passageBonus: Float?

    @Option(help: "Follow-ups: weight of the context + question vector (default 1.0).")
    var contextWeight: Float?

    @Option(help: "Follow-ups: lexical weight of the previous user turn's words (default 0.5).")
    var contextTermWeight: Float?

    @Option(help: "Follow-ups: weight of context words when locating the excerpt (default 0.7).")
    var excerptContextWeight: Float?

    @Option(help: "Follow-ups: context weights kept for a self-contained question (default 0.5).")
    var selfContainedShare: Float?

    @Option(help: "Follow-ups: earlier user turns used (default 2).")
    var contextTurns: Int?

    @Option(help: "HNSW candidate list size (default: the index's efSearch).")
    var ef: Int?

    @Option(help: "Ollama address for indexes built with Ollama (default: $OLLAMA_HOST).")
    var ollamaHost: String?

    func validate() throws {
        if let ef, ef < 1 { throw ValidationError("--ef must be at least 1") }
        if let method, RetrievalSettings.Method(rawValue: method) == nil { throw ValidationError("--method must be hybrid, dense or lexical, not \(method.debugDescription)") }
        if let problem = (try? settings())?.problem() { throw ValidationError(problem) }
    }

    func settings() throws -> RetrievalSettings {
        var settings = RetrievalSettings()
        if let pipeline {
            do { settings = try PipelineFile.load(URL(fileURLWithPath: pipeline)).retrieval } catch {
                throw ValidationError(error.description)
            }
        }
        if let method = method.flatMap(RetrievalSettings.Method.init(rawValue:)) { settings.method = method }
        if let weight { settings.denseWeight = weight }
        if let candidates { settings.candidates = candidates }
        if let windowWeight { settings.windowWeight = windowWeight }
        if let passageWeight { settings.passageWeight = passageWeight }
        if let passageBonus { settings.passageBonus = passageBonus }
        if let rerankDepth { settings.rerankDepth = rerankDepth }
        if let contextWeight { settings.contextWeight = contextWeight }
        if let contextTermWeight { settings.contextTermWeight = contextTermWeight }
        if let contextTurns { settings.contextTurns = contextTurns }
        if let selfContainedShare { settings.selfContainedShare = selfContainedShare }
        if let excerptContextWeight { settings.excerptContextWeight = excerptContextWeight }
        return settings
    }

    /// The query embedder the index records (none for lexical-only searches); a mismatch or an
    /// unreachable embedder is exit 3.
    func queryEmbedding(for index: MappedIndex, method: RetrievalSettings.Method) async throws -> QueryEmbedding {
        if method == .lexical { return { @Sendable _ in [] } }
        let recorded: EmbedderDescriptor
        do {
            recorded = try EmbedderDescriptor(canonicalJSON: index.header.embedderDescriptor)
        } catch {
            Output.error("\(index.url.path) records no usable embedder descriptor; search it with --vector")
            throw ExitCode(ExitStatus.embedderUnavailable)
        }
        let embedder = try await EmbedderOptions.matching(recorded, ollamaHost: ollamaHost)
        return { text in
            do {
                return try await embedder.embed(query: text)
            } catch {
                throw QueryEmbeddingFailed(message: "\(error)")
            }
        }
    }

    static func retriever() throws -> HybridRetriever {
        do { return HybridRetriever(tokenizer: try WordPieceTokenizer.bundled()) } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.usage)
        }
    }
}

/// The embedder failed while a command was searching (exit 3).
struct QueryEmbeddingFailed: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
