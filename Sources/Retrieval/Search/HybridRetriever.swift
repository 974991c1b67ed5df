import Foundation
public import Tokenization
public import VectorIndex

/// Embeds a query text with the index's own embedder (the server passes its cached one).
public typealias QueryEmbedding = @Sendable (String) async throws -> [Float]

/// The one retrieval path of coachrag (CLI `search` and `eval`, ingest's evaluation gate, the
/// server): builds the query from the question and its conversation, searches dense and lexical
/// candidates, fuses them, and picks each hit's excerpt with its exact pages.
///
/// Fusion: each side's raw scores are divided by that side's best candidate, then
/// `denseWeight × dense + (1 − denseWeight) × lexical` (a side that did not return a chunk
/// contributes 0 for it). The best `rerankDepth` fused candidates then get
/// `windowWeight × best-window score` added (how much of the query one or two of their
/// sentences hold), so a long chunk is judged by its best passage, not its average. Every hit
/// carries its inner product with the query vector, also when only BM25 found it, so
/// confidence has one scale whatever the method.
///
/// Passages: a chunk's dense score is `(1 − passageWeight) × chunk + passageWeight × best
/// window` (the windows `ChunkWindows` embedded at ingest, format 1.1), and the best window
/// is where the excerpt is looked for first.
public struct HybridRetriever: Sendable {
    public let analyzer: LexicalAnalyzer
    private let analyses: ChunkAnalysisCache

    /// `cachedChunks`: analyses of recently retrieved chunks kept for their excerpts (about
    /// 14 KB each for 1,000-token chunks; 0 turns the cache off).
    public init(tokenizer: WordPieceTokenizer, cachedChunks: Int = 1024) {
        analyzer = LexicalAnalyzer(tokenizer: tokenizer)
        analyses = ChunkAnalysisCache(capacity: cachedChunks)
    }

    public func retrieve(_ query: ConversationQuery, in index: MappedIndex, k: Int, ef: Int? = nil,
                         settings: RetrievalSettings, embed: QueryEmbedding) async throws -> RetrievalResult {
        let clock = ContinuousClock()
        let method: RetrievalSettings.Method = index.header.hasLexicalIndex ? settings.method : .dense
        let contextTurns = query.contextTurns(settings)
        let usedContext = !contextTurns.isEmpty
        let queryText = query.contextualText(settings)
        guard k > 0, !query.question.isEmpty || usedContext else {
            return RetrievalResult(hits: [], method: method, query: queryText, usedContext: usedContext, confidence: 0, embedMilliseconds: 0, searchMilliseconds: 0)
        }

        // Dense query vector: the question's, plus the weighted vector of context + question.
        let embedStart = clock.now
        var vector: [Float]?
        if method != .lexical {
            var combined = try await embed(query.question.isEmpty ? queryText : query.question)
            let contextWeight = usedContext ? settings.contextWeight * query.dependence(analyzer, settings: settings) : 0
            if contextWeight > 0 {
                let contextual = try await embed(queryText)
                for i in combined.indices where i < contextual.count { combined[i] += contextWeight * contextual[i] }
                let norm = combined.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                if norm > 0 { combined = combined.map { $0 / norm } }
            }
            vector = combined
        }
        let embedMilliseconds = (clock.now - embedStart).milliseconds

        let searchStart = clock.now
        let terms = method == .dense ? [] : query.lexicalTerms(analyzer, settings: settings)
        let wanted = method == .hybrid ? max(settings.candidates, k) : k
        let denseHits = try vector.map { try index.nearest($0, k: wanted, ef: ef.map { max($0, wanted) }) } ?? []
        let lexicalHits = terms.isEmpty ? [] : try index.lexicalSearch(terms, k: wanted)

        var candidates: [UInt32: (dense: RetrievedHit.Component?, lexical: RetrievedHit.Component?)] = [:]
        for (rank, hit) in denseHits.enumerated() { candidates[hit.slot, default: (nil, nil)].dense = .init(score: hit.score, rank: rank + 1) }
        for (rank, hit) in lexicalHits.enumerated() { candidates[hit.slot, default: (nil, nil)].lexical = .init(score: hit.score, rank: rank + 1) }
        // Dense scores of chunks only BM25 found, and every candidate's best passage.
        var passages: [UInt32: (start: Int, end: Int, score: Float)] = [:]
        var denseScore: [UInt32: Float] = [:]
        if let vector {
            let missing = candidates.filter { $0.value.dense == nil }.map(\.key).sorted()
            for (slot, score) in zip(missing, try index.scores(vector, slots: missing)) {
                candidates[slot]?.dense = .init(score: score, rank: nil)
            }
            for (slot, components) in candidates {
                let chunkScore = components.dense?.score ?? 0
                if let best = try index.windowScores(vector, slot: slot).max(by: { $0.score < $1.score }) {
                    passages[slot] = best
                    denseScore[slot] = (1 - settings.passageWeight) * chunkScore + settings.passageWeight * best.score
                } else {
                    denseScore[slot] = chunkScore
                }
            }
        }
        let bestDense = max(denseScore.values.max() ?? 0, Float.leastNonzeroMagnitude)
        let bestLexical = max(lexicalHits.first?.score ?? 0, Float.leastNonzeroMagnitude)
        func fused(_ slot: UInt32, _ c: (dense: RetrievedHit.Component?, lexical: RetrievedHit.Component?)) -> Float {
            switch method {
            case .dense: return denseScore[slot] ?? c.dense?.score ?? 0
            case .lexical: return c.lexical?.score ?? 0
            case .hybrid:
                let dense = max(denseScore[slot] ?? 0, 0) / bestDense, lexical = (c.lexical?.score ?? 0) / bestLexical
                return settings.denseWeight * dense + (1 - settings.denseWeight) * (lexicalHits.isEmpty ? dense : lexical)
            }
        }
        typealias Ranked = (slot: UInt32, score: Float, components: (dense: RetrievedHit.Component?, lexical: RetrievedHit.Component?))
        var ranked: [Ranked] = []
        for (slot, components) in candidates where method != .lexical || components.lexical != nil {
            ranked.append((slot, fused(slot, components), components))
        }
        ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.slot < $1.slot }

        // Excerpts for the best candidates; their best-window score re-ranks them.
        var termWeights: [String: Float] = [:]
        let ownTerms = Set(analyzer.terms(query.question))
        let excerptTerms = terms.isEmpty ? query.lexicalTerms(analyzer, settings: settings) : terms
        let dependence = usedContext ? query.dependence(analyzer, settings: settings) : 0
        for term in excerptTerms {
            let frequency = Float(try index.documentFrequency(of: term.term))
            let idf = Float(log(1 + Double((Float(index.count) - frequency + 0.5) / (frequency + 0.5))))
            termWeights[term.term] = max(term.weight, settings.excerptContextWeight * dependence) * idf
        }
        let expectsNumber = AnswerType.expectsNumber(query.question)
        let acronyms = Acronyms.of(query.question).intersection(termWeights.keys)
        let depth = min(ranked.count, max(k, settings.rerankDepth))
        var hits: [RetrievedHit] = []
        var presentTerms: [UInt32: Set<String>] = [:]
        hits.reserveCapacity(depth)
        for entry in ranked.prefix(depth) {
            let chunk = try index.chunk(at: entry.slot)
            let document = try index.document(at: Int(chunk.documentIndex))
            let passage = passages[entry.slot].map { $0.start..<$0.end }
            let analysis = analyses.analysis(.init(file: index.url.path, slot: entry.slot)) {
                ChunkAnalysis(chunk: chunk, document: document, analyzer: analyzer)
            }
            let (excerpt, window, present) = ExcerptSelector.excerpt(of: chunk, document: document, analysis: analysis, termWeights: termWeights, expectsNumber: expectsNumber, passage: passage, passageBonus: settings.passageBonus,
                                                                     acronyms: acronyms)
            let score = method == .hybrid ? entry.score + settings.windowWeight * window : entry.score
            presentTerms[entry.slot] = present
            hits.append(RetrievedHit(slot: entry.slot, chunk: chunk, document: document, score: score,
                                     dense: entry.components.dense, lexical: method == .dense ? nil : entry.components.lexical, excerpt: excerpt))
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.slot < $1.slot }
        if hits.count > k { hits.removeLast(hits.count - k) }
        let confidence = Confidence.of(denseScores: vector == nil ? [] : hits.compactMap { $0.dense?.score },
                                       lexicalCoverage: hits.first.map { coverage(of: ownTerms, present: presentTerms[$0.slot] ?? [], weights: termWeights) })
        return RetrievalResult(hits: hits, method: method, query: queryText, usedContext: usedContext, confidence: confidence,
                               embedMilliseconds: embedMilliseconds, searchMilliseconds: (clock.now - searchStart).milliseconds)
    }

    /// The share of the question's own IDF mass among the `present` terms of a chunk.
    private func coverage(of terms: Set<String>, present: Set<String>, weights: [String: Float]) -> Double {
        let total = terms.reduce(Float(0)) { $0 + (weights[$1] ?? 0) }
        guard total > 0 else { return 0 }
        return Double(present.intersection(terms).reduce(Float(0)) { $0 + (weights[$1] ?? 0) } / total)
    }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
