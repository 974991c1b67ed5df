public import Chunking
public import Foundation
public import Retrieval
public import VectorIndex

/// One ingest job: what `pipelines/NAME.yml` declares, or the `ingest` flags amount to.
public struct PipelineConfiguration: Sendable, Hashable {
    /// Where the embeddings come from.
    public struct EmbedderSettings: Sendable, Hashable {
        public enum Provider: String, Sendable, Hashable { case local, ollama }
        public var provider: Provider = .local
        /// nil: the provider's default (all-MiniLM-L6-v2 / nomic-embed-text).
        public var model: String?
        public var batchSize = 32
        public var concurrency = 2
        /// Ollama address; nil: `OLLAMA_HOST`, else 127.0.0.1:11434.
        public var host: String?
        public init() {}
    }

    public var creator: String
    /// Files, directories (walked recursively) or glob patterns, relative to the working directory.
    public var sources: [String]
    /// Glob patterns a file name or path must match (empty: every file).
    public var include: [String] = []
    public var exclude: [String] = []
    public var chunking = ChunkingConfiguration.default
    public var embedder = EmbedderSettings()
    public var index = HNSWConfiguration.default
    public var retention = IndexStore.defaultRetention
    /// The persona the query server uses for this creator (kept here, used by `serve`).
    public var persona: String?
    /// Who may register into this creator's tenant on the query server (used by `serve`):
    /// `open`, `invite` (the default) or `closed`.
    public var registration: String?
    /// Passages the server gives the chat model (`retrieval.k`, 1–20; nil: the server's
    /// default), and the confidence below which it says the material does not cover a
    /// question (`retrieval.min_confidence`, 0–1). Used by `serve`.
    public var answerPassages: Int?
    public var minimumConfidence: Double?
    public static let registrationPolicies = ["open", "invite", "closed"]
    /// How this creator's index is searched (by `serve`, `search`, `eval` and the gate).
    public var retrieval = RetrievalSettings()
    /// Optional: evaluate each new version before publishing it.
    public var evaluation: EvaluationGate?

    /// `evaluation:` in a pipeline file: the question file and the thresholds a new version must
    /// meet before `CURRENT` moves to it.
    public struct EvaluationGate: Sendable, Hashable {
        public var questions: URL
        /// recall@5 of the new version must be at least this.
        public var minimumRecallAt5: Double = 0
        /// …and may be lower than the live version's by at most this.
        public var maximumRegression: Double = 1
        public init(questions: URL) { self.questions = questions }
    }

    public init(creator: String, sources: [String]) {
        self.creator = creator
        self.sources = sources
    }

    public func validate() throws(PipelineFileError) {
        do {
            try IndexStore.validateCreator(creator)
            try chunking.validate()
            try index.validate()
        } catch let error as IndexFileError {
            throw PipelineFileError(error.message)
        } catch {
            throw PipelineFileError("\(error)")
        }
        guard !sources.isEmpty else { throw PipelineFileError("no sources: name files, directories or globs to ingest") }
        guard embedder.batchSize >= 1, embedder.concurrency >= 1 else { throw PipelineFileError("embedder batch size and concurrency must be at least 1") }
        guard retention >= 1 else { throw PipelineFileError("retention must be at least 1") }
        if let problem = retrieval.problem() { throw PipelineFileError(problem) }
        if let gate = evaluation {
            guard (0...1).contains(gate.minimumRecallAt5), (0...1).contains(gate.maximumRegression) else {
                throw PipelineFileError("evaluation.min_recall_at_5 and evaluation.max_regression must be between 0 and 1")
            }
        }
    }

    /// The configuration's part of the source digest: anything that changes the index.
    /// `lex2`: chunks embedded and indexed with their title, lexical sections (format 1.1), with
    /// the stop-word list that keeps prepositions of time and amount.
    public var fingerprint: String {
        "repr=lex2;chunk=\(chunking.maxTokens)/\(chunking.overlap);m=\(index.connectivity)/\(index.baseConnectivity);efc=\(index.expansionAdd);ef=\(index.expansionSearch);seed=\(index.seed)"
    }
}
