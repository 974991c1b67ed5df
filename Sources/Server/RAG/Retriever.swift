import Embedding
import Foundation
import Retrieval
import Synchronization
import VectorIndex

/// One retrieved passage: a chunk of the creator's index with its scores, provenance and the
/// excerpt a citation quotes.
struct Passage: Sendable {
    var chunk: Int
    var document: String
    /// The chunk's page span.
    var pageStart: Int?
    var pageEnd: Int?
    var start: Int
    var end: Int
    var text: String
    /// The fused score (see `HybridRetriever`).
    var score: Float
    var dense: RetrievedHit.Component?
    var lexical: RetrievedHit.Component?
    /// The best-matching sentences, with their own offsets and pages.
    var excerpt: Excerpt
    /// WordPiece tokens of `text`, as the chunker counted them.
    var tokens: Int
}

/// The server's side of the one retrieval path: leases the creator's live index, embeds with
/// the index's own embedder through the query cache, and runs `HybridRetriever`.
struct Retriever: Sendable {
    let indexes: IndexRegistry
    let embedders: QueryEmbedders
    let metrics: ServerMetrics
    let engine: HybridRetriever

    struct Result: Sendable {
        var passages: [Passage]
        var version: String
        var method: RetrievalSettings.Method
        /// What was searched: the question, or the context turns and the question.
        var query: String
        var usedContext: Bool
        var confidence: Double
        var embedMilliseconds: Double
        var searchMilliseconds: Double
        var cached: Bool
    }

    func retrieve(_ query: ConversationQuery, creator: String, k: Int, ef: Int?, settings: RetrievalSettings, minimumScore: Float = -1) async throws -> Result {
        let lease = try indexes.lease(creator)
        let descriptor: EmbedderDescriptor
        do {
            descriptor = try EmbedderDescriptor(canonicalJSON: lease.index.header.embedderDescriptor)
        } catch {
            throw APIError.unavailable("the index of creator \"\(creator)\" cannot be searched right now", cause: "\(lease.version) records no usable embedder: \(error)")
        }
        let misses = Atomic<Int>(0)
        let embedders = self.embedders, metrics = self.metrics
        let embed: QueryEmbedding = { text in
            let clock = ContinuousClock.now
            let (vector, cached) = try await embedders.embed(query: text, descriptor: descriptor, tenant: creator)
            if !cached {
                misses.add(1, ordering: .relaxed)
                metrics.embedding.record((ContinuousClock.now - clock).seconds)
            }
            return vector
        }
        let result: RetrievalResult
        do {
            result = try await engine.retrieve(query, in: lease.index, k: k, ef: ef, settings: settings, embed: embed)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.unavailable("the index of creator \"\(creator)\" cannot be searched right now", cause: "searching \(lease.version) failed: \(error)")
        }
        metrics.retrieval.record((result.embedMilliseconds + result.searchMilliseconds) / 1000)
        let passages = result.hits.filter { $0.score >= minimumScore }.map { hit in
            Passage(chunk: Int(hit.slot), document: hit.document.path,
                    pageStart: hit.chunk.pageStart == 0 ? nil : Int(hit.chunk.pageStart), pageEnd: hit.chunk.pageEnd == 0 ? nil : Int(hit.chunk.pageEnd),
                    start: Int(hit.chunk.start), end: Int(hit.chunk.end), text: hit.chunk.text, score: hit.score,
                    dense: hit.dense, lexical: hit.lexical, excerpt: hit.excerpt, tokens: Int(hit.chunk.tokenCount))
        }
        return Result(passages: passages, version: lease.version, method: result.method, query: result.query, usedContext: result.usedContext,
                      confidence: result.confidence, embedMilliseconds: result.embedMilliseconds, searchMilliseconds: result.searchMilliseconds,
                      cached: misses.load(ordering: .relaxed) == 0)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
    var milliseconds: Double { seconds * 1000 }
}
