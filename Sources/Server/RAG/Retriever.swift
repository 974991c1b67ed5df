import Embedding
import Foundation
import VectorIndex

/// One retrieved passage: a chunk of the creator's index with its score and provenance.
struct Passage: Sendable {
    var chunk: Int
    var document: String
    var pageStart: Int?
    var pageEnd: Int?
    var start: Int
    var end: Int
    var text: String
    var score: Float
    /// WordPiece tokens of `text`, as the chunker counted them.
    var tokens: Int
}

/// Embeds a question with the index's own embedder and searches the live index.
struct Retriever: Sendable {
    let indexes: IndexRegistry
    let embedders: QueryEmbedders
    let metrics: ServerMetrics

    struct Result: Sendable {
        var passages: [Passage]
        var version: String
        var embedMilliseconds: Double
        var searchMilliseconds: Double
        var cached: Bool
    }

    func retrieve(_ question: String, creator: String, k: Int, ef: Int?, minimumScore: Float) async throws -> Result {
        let lease = try indexes.lease(creator)
        let descriptor: EmbedderDescriptor
        do {
            descriptor = try EmbedderDescriptor(canonicalJSON: lease.index.header.embedderDescriptor)
        } catch {
            throw APIError.unavailable("the index \(lease.version) of creator \"\(creator)\" records no usable embedder")
        }
        let clock = ContinuousClock()
        let embedStart = clock.now
        let (vector, cached) = try await embedders.embed(query: question, descriptor: descriptor)
        let embedDuration = clock.now - embedStart
        if !cached { metrics.embedding.observe(embedDuration.seconds) }

        let searchStart = clock.now
        var passages: [Passage] = []
        do {
            let index = lease.index
            let hits = try index.nearest(vector, k: k, ef: ef.map { max($0, k) })
            for hit in hits where hit.score >= minimumScore {
                let chunk = try index.chunk(at: hit.slot)
                let document = try index.document(at: Int(chunk.documentIndex))
                passages.append(Passage(
                    chunk: Int(hit.slot), document: document.path,
                    pageStart: chunk.pageStart == 0 ? nil : Int(chunk.pageStart), pageEnd: chunk.pageEnd == 0 ? nil : Int(chunk.pageEnd),
                    start: Int(chunk.start), end: Int(chunk.end), text: chunk.text, score: hit.score, tokens: Int(chunk.tokenCount)
                ))
            }
        } catch {
            throw APIError.unavailable("searching the index \(lease.version) of creator \"\(creator)\" failed: \(error)")
        }
        let searchDuration = clock.now - searchStart
        metrics.retrieval.observe((embedDuration + searchDuration).seconds)
        return Result(passages: passages, version: lease.version, embedMilliseconds: embedDuration.milliseconds,
                      searchMilliseconds: searchDuration.milliseconds, cached: cached)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
    var milliseconds: Double { seconds * 1000 }
}
