public import VectorIndex

/// One retrieved chunk: where it is, how each retriever scored it, and the excerpt to quote.
public struct RetrievedHit: Sendable {
    /// A retriever's view of a hit: its raw score (inner product or BM25) and 1-based rank among
    /// that retriever's candidates (nil: not among them).
    public struct Component: Sendable, Hashable {
        public var score: Float
        public var rank: Int?
    }

    public var slot: UInt32
    public var chunk: ChunkRecord
    public var document: DocumentRecord
    /// The fused score (dense-only: the inner product; lexical-only: BM25).
    public var score: Float
    /// The inner product with the query vector (also for hits found lexically); nil when the
    /// query was not embedded (lexical-only).
    public var dense: Component?
    /// The BM25 score; nil when the index has no lexical sections or the method is dense-only.
    public var lexical: Component?
    public var excerpt: Excerpt
}

/// What one retrieval returns.
public struct RetrievalResult: Sendable {
    public var hits: [RetrievedHit]
    /// The method actually used: dense when the index (format 1.0) has no lexical index.
    public var method: RetrievalSettings.Method
    /// The text that was searched: the question, or the context turns and the question.
    public var query: String
    /// Whether conversation context shaped the query.
    public var usedContext: Bool
    /// 0…1, from the hits' dense scores and the question's lexical coverage (`Confidence`).
    public var confidence: Double
    public var embedMilliseconds: Double
    public var searchMilliseconds: Double
}
