import Foundation

/// A citation of a passage in an answer: which chunk, and the sentence or two of it that best
/// match the question (the excerpt) with the excerpt's own offsets and pages.
struct Citation: Codable, Sendable, Equatable {
    var n: Int
    var chunk: Int
    var document: String
    var page_start: Int?
    var page_end: Int?
    var start: Int
    var end: Int
    var quote: String
    var score: Float

    init(n: Int, passage: Passage) {
        self.n = n
        chunk = passage.chunk
        document = passage.document
        page_start = passage.excerpt.pageStart
        page_end = passage.excerpt.pageEnd
        start = passage.excerpt.start
        end = passage.excerpt.end
        quote = passage.excerpt.text
        score = passage.score
    }

    enum CodingKeys: String, CodingKey { case n, chunk, document, page_start, page_end, start, end, quote, score }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(n, forKey: .n)
        try container.encode(chunk, forKey: .chunk)
        try container.encode(document, forKey: .document)
        try container.encode(page_start, forKey: .page_start)
        try container.encode(page_end, forKey: .page_end)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
        try container.encode(quote, forKey: .quote)
        try container.encode(score, forKey: .score)
    }
}

struct Usage: Codable, Sendable, Equatable { var prompt_tokens: Int; var completion_tokens: Int }

struct Timings: Codable, Sendable, Equatable {
    var retrieval_ms: Double
    var embed_ms: Double
    var search_ms: Double
    var generation_ms: Double
    var total_ms: Double
}

/// A finished answer (what the assistant message stores).
struct Answer: Sendable {
    enum Mode: String, Sendable { case generated, extractive }
    var content: String
    var citations: [Citation]
    var confidence: Double
    var mode: Mode
    var notice: String?
    var usage: Usage?
    var timings: Timings
    var complete: Bool
    /// What retrieval searched (the question, or context turns and the question).
    var retrievalQuery: String
    /// Generation stopped at the answer-length limit, not at its own end.
    var stoppedAtLimit = false
    /// False when the confidence guard answered that the material does not cover the question.
    var covered = true
}
