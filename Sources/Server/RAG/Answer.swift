import Foundation

/// A citation of a passage in an answer: which chunk, where in which document, and the sentence
/// or two of it that best match the question.
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

    init(n: Int, passage: Passage, question: String) {
        self.n = n
        chunk = passage.chunk
        document = passage.document
        page_start = passage.pageStart
        page_end = passage.pageEnd
        start = passage.start
        end = passage.end
        quote = Excerpt.best(in: passage.text, for: question)
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
}

/// Picks the sentences of a passage that share the most words with the question.
enum Excerpt {
    static func best(in text: String, for question: String, sentences wanted: Int = 2, maxLength: Int = 400) -> String {
        let words = Set(question.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).filter { $0.count > 3 }.map(String.init))
        var sentences: [Substring] = []
        var current = text.startIndex
        for index in text.indices where ".!?".contains(text[index]) {
            let next = text.index(after: index)
            if next == text.endIndex || text[next].isWhitespace {
                sentences.append(text[current..<next])
                current = next
            }
        }
        if current < text.endIndex { sentences.append(text[current...]) }
        let scored = sentences.enumerated().map { (offset, sentence) -> (Int, Int) in
            let tokens = Set(sentence.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
            return (offset, words.intersection(tokens).count)
        }
        let chosen = scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(wanted).map(\.0).sorted()
        let joined = chosen.map { sentences[$0].split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return joined.count > maxLength ? String(joined.prefix(maxLength - 1)) + "…" : joined
    }
}
