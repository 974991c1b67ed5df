/// How a retrieval ranks chunks: which retrievers, how they are fused, how follow-ups borrow
/// their conversation. Defaults are the figures measured best on the development sets in
/// `corpora/` (README, "Retrieval"); a pipeline's `retrieval:` section and a request
/// may override them.
public struct RetrievalSettings: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// BM25 and inner product, fused.
        case hybrid
        /// Inner product over the vectors only.
        case dense
        /// BM25 over the lexical index only.
        case lexical
    }

    public var method: Method = .hybrid
    /// Weight of the dense score in the fusion (the lexical one gets 1 − weight); each side's
    /// score is divided by its best candidate's first.
    public var denseWeight: Float = 0.5
    /// Candidates taken from each side before fusing.
    public var candidates: Int = 50
    /// User turns of the conversation used as context for a follow-up.
    public var contextTurns: Int = 2
    /// Weight of the "context + question" vector added to the question's own.
    public var contextWeight: Float = 1.0
    /// Lexical weight of the most recent context turn's terms (older turns: halved each).
    public var contextTermWeight: Float = 0.5
    /// Share of a chunk's dense score taken from its best embedded passage (window) rather than
    /// from its whole-chunk vector.
    public var passageWeight: Float = 0.5
    /// Share of the query's weight a sentence gains, when locating the excerpt, for lying in
    /// the chunk's best passage.
    public var passageBonus: Float = 0.15
    /// Context weights for a question that looks self-contained are scaled by this
    /// (`ConversationQuery.dependence`).
    public var selfContainedShare: Float = 0.5
    /// Locating the excerpt inside a chunk, context words weigh at least this (they name the
    /// topic a follow-up leaves out).
    public var excerptContextWeight: Float = 0.7
    /// Weight of a chunk's best-window score (`ExcerptSelector`) added to the fused score…
    public var windowWeight: Float = 0.3
    /// …for this many of the best fused candidates (the rest keep their order below them).
    public var rerankDepth: Int = 10

    public init() {}

    /// The numeric keys of a pipeline file's `retrieval:` section (besides `method`), one per
    /// setting: the one table both pipeline readers (ingest's and the server's) use.
    public static let numericKeys = [
        "weight", "candidates", "context_turns", "context_weight", "context_term_weight", "self_contained_share",
        "excerpt_context_weight", "passage_weight", "passage_bonus", "window_weight", "rerank_depth",
    ]

    /// Sets the setting a pipeline key names; false for a key that is not one.
    public mutating func set(_ key: String, to value: Double) -> Bool {
        switch key {
        case "weight": denseWeight = Float(value)
        case "candidates": candidates = Int(value)
        case "context_turns": contextTurns = Int(value)
        case "context_weight": contextWeight = Float(value)
        case "context_term_weight": contextTermWeight = Float(value)
        case "self_contained_share": selfContainedShare = Float(value)
        case "excerpt_context_weight": excerptContextWeight = Float(value)
        case "passage_weight": passageWeight = Float(value)
        case "passage_bonus": passageBonus = Float(value)
        case "window_weight": windowWeight = Float(value)
        case "rerank_depth": rerankDepth = Int(value)
        default: return false
        }
        return true
    }

    /// A one-line error naming the field, or nil.
    public func problem() -> String? {
        if !(0...1).contains(denseWeight) { return "retrieval weight must be between 0 and 1 (got \(denseWeight))" }
        if !(1...1000).contains(candidates) { return "retrieval candidates must be between 1 and 1000 (got \(candidates))" }
        if !(0...10).contains(contextTurns) { return "retrieval context_turns must be between 0 and 10 (got \(contextTurns))" }
        if !(0...10).contains(contextWeight) { return "retrieval context_weight must be between 0 and 10 (got \(contextWeight))" }
        if !(0...1).contains(contextTermWeight) { return "retrieval context_term_weight must be between 0 and 1 (got \(contextTermWeight))" }
        if !(0...1).contains(excerptContextWeight) { return "retrieval excerpt_context_weight must be between 0 and 1 (got \(excerptContextWeight))" }
        if !(0...1).contains(selfContainedShare) { return "retrieval self_contained_share must be between 0 and 1 (got \(selfContainedShare))" }
        if !(0...1).contains(passageWeight) { return "retrieval passage_weight must be between 0 and 1 (got \(passageWeight))" }
        if !(0...2).contains(passageBonus) { return "retrieval passage_bonus must be between 0 and 2 (got \(passageBonus))" }
        if !(0...2).contains(windowWeight) { return "retrieval window_weight must be between 0 and 2 (got \(windowWeight))" }
        if !(0...100).contains(rerankDepth) { return "retrieval rerank_depth must be between 0 and 100 (got \(rerankDepth))" }
        return nil
    }
}
