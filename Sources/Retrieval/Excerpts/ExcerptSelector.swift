import Foundation
public import VectorIndex

/// The part of a chunk a citation quotes: its text, its span in Unicode scalars of the
/// document's text, and the pages that span lies on.
public struct Excerpt: Sendable, Hashable, Codable {
    public var text: String
    public var start: Int
    public var end: Int
    public var pageStart: Int?
    public var pageEnd: Int?

    enum CodingKeys: String, CodingKey { case text, start, end, pageStart = "page_start", pageEnd = "page_end" }

    /// Pages are written as `null` when unknown, never left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(text, forKey: .text)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
        try container.encode(pageStart, forKey: .pageStart)
        try container.encode(pageEnd, forKey: .pageEnd)
    }
}

/// Picks the best one or two consecutive sentences of a chunk for a query: the window whose
/// distinct query terms carry the most weight. A term's weight is its query weight × IDF, times
/// its specificity inside the chunk (`log(1 + S/sf) / log(1 + S)` for S sentences, sf of them
/// holding it: a word on every line of the chunk locates nothing), times 0.3 when it is one of
/// the document's title words (they pick the document, not the sentence); when the question
/// asks for a number ("how many", "what time", "cost"…), a window holding one gains
/// `numberBonus` of the query's weight. Pages come from the
/// document's page map (format 1.1); a 1.0 file, which has none, cites the chunk's page span.
///
/// The window's weight over the query's total weight (0…1) is the chunk's best-window score,
/// which `HybridRetriever` adds to the fused score: a long chunk is judged by its best passage.
enum ExcerptSelector {
    static let maxSentences = 2
    static let maxScalars = 400

    static let titleDiscount: Float = 0.3

    /// Share of the query's weight a window gains by holding a number, when the question asks
    /// for one (`AnswerType`).
    static let numberBonus: Float = 0.3

    /// `termWeights`: query term → weight × IDF. Returns the excerpt, the best-window score and
    /// the query terms the chunk contains.
    /// `passage`: the chunk's best embedded window (scalars of its text); sentences in it gain
    /// `passageBonus` of the query's weight.
    static func excerpt(of chunk: ChunkRecord, document: DocumentRecord, analysis: ChunkAnalysis, termWeights: [String: Float], expectsNumber: Bool = false,
                 passage: Range<Int>? = nil, passageBonus: Float = 0, acronyms: Set<String> = []) -> (excerpt: Excerpt, score: Float, present: Set<String>) {
        let sentences = analysis.sentences
        // Distinct query terms per sentence.
        let termsBySentence: [[String]] = sentences.indices.map { analysis.terms(ofSentence: $0, in: termWeights, acronyms: acronyms) }
        var sentenceFrequency: [String: Int] = [:]
        for terms in termsBySentence { for term in terms { sentenceFrequency[term, default: 0] += 1 } }
        let titleTerms = analysis.titleTerms
        let total = log(1 + Float(max(sentences.count, 1)))
        var weights: [String: Float] = [:]
        for (term, weight) in termWeights {
            let specificity = sentenceFrequency[term].map { log(1 + Float(sentences.count) / Float($0)) / total } ?? 1
            weights[term] = weight * specificity * (titleTerms.contains(term) ? Self.titleDiscount : 1)
        }
        let possible = termWeights.reduce(Float(0)) { $0 + $1.value * (titleTerms.contains($1.key) ? Self.titleDiscount : 1) }
        let hasNumber = analysis.hasNumber
        var best = (score: Float(-1), terms: Float(0), range: 0..<min(1, sentences.count))
        for first in sentences.indices {
            var terms = Set<String>()
            var number = false
            for last in first..<min(first + Self.maxSentences, sentences.count) {
                let span = sentences[first].lowerBound..<sentences[last].upperBound
                if last > first && span.count > Self.maxScalars { break }
                terms.formUnion(termsBySentence[last])
                number = number || (expectsNumber && hasNumber[last])
                let termScore = terms.reduce(Float(0)) { $0 + (weights[$1] ?? 0) }
                // A second sentence must add something to be worth quoting.
                let inPassage = passage.map { $0.overlaps(sentences[first].lowerBound..<sentences[last].upperBound) } ?? false
                let score = termScore + (number && termScore > 0 ? Self.numberBonus * possible : 0) + (inPassage ? passageBonus * max(possible, 1) : 0)
                    - (last > first ? 0.001 : 0)
                if score > best.score { best = (score, termScore, first..<(last + 1)) }
            }
        }
        guard !sentences.isEmpty, !best.range.isEmpty else {
            return (Excerpt(text: "", start: Int(chunk.start), end: Int(chunk.start), pageStart: page(chunk.pageStart), pageEnd: page(chunk.pageStart)), 0, [])
        }
        let windowScore = possible > 0 ? best.terms / possible : 0
        var span = sentences[best.range.lowerBound].lowerBound..<sentences[best.range.upperBound - 1].upperBound
        if span.count > Self.maxScalars { span = span.lowerBound..<(span.lowerBound + Self.maxScalars) }
        let scalars = Array(chunk.text.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[span])
        let text = String(view).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") + (span.upperBound < sentences[best.range.upperBound - 1].upperBound ? "…" : "")
        let start = Int(chunk.start) + span.lowerBound, end = Int(chunk.start) + span.upperBound
        let pageStart: Int?, pageEnd: Int?
        if document.pages.isEmpty {
            (pageStart, pageEnd) = (page(chunk.pageStart), page(chunk.pageEnd))
        } else {
            (pageStart, pageEnd) = (document.page(at: start), document.page(at: max(start, end - 1)))
        }
        return (Excerpt(text: text, start: start, end: end, pageStart: pageStart, pageEnd: pageEnd), windowScore, Set(sentenceFrequency.keys))
    }

    private static func page(_ stored: UInt32) -> Int? { stored == 0 ? nil : Int(stored) }

    /// Sentence spans: cut after `.`, `!`, `?` followed by white space, at blank lines, before
    /// list items, at page breaks, and after a heading (a line under 45 characters without
    /// closing punctuation, followed by a line that starts with a capital); a "sentence" still
    /// longer than 300 characters (a table, a list without full stops) is cut at its line ends.
    /// Surrounding white space trimmed.
    static func sentences(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        func isSpace(_ c: Unicode.Scalar) -> Bool { c.value < 128 ? (c == " " || c == "\n" || c == "\t" || c == "\r" || c == "\u{000C}") : c.properties.isWhitespace }
        var result: [Range<Int>] = []
        var start = 0
        var lineStart = 0
        func close(_ end: Int) {
            var s = start
            while s < end && isSpace(scalars[s]) { s += 1 }
            var e = end
            while e > s && isSpace(scalars[e - 1]) { e -= 1 }
            if e > s { result.append(contentsOf: splitLong(s..<e)) }
            start = end
        }
        func isHeading(lineEnd: Int) -> Bool {
            guard lineEnd - lineStart < 45, lineEnd > lineStart, lineEnd + 1 < scalars.count else { return false }
            let last = scalars[lineEnd - 1]
            guard !".,;:!?)\"”’-".unicodeScalars.contains(last) else { return false }
            return scalars[lineEnd + 1].properties.isUppercase
        }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            let next: Unicode.Scalar? = i + 1 < scalars.count ? scalars[i + 1] : nil
            if c == "\u{000C}" || (c == "\n" && (next == "\n" || next == "-" || next == "•" || next == "*" || isHeading(lineEnd: i))) {
                close(i + 1)
            } else if (c == "." || c == "!" || c == "?"), let next, isSpace(next) {
                close(i + 1)
            }
            if c == "\n" || c == "\u{000C}" { lineStart = i + 1 }
            i += 1
        }
        close(scalars.count)
        return result

        func splitLong(_ range: Range<Int>) -> [Range<Int>] {
            guard range.count > 300 else { return [range] }
            var pieces: [Range<Int>] = []
            var pieceStart = range.lowerBound
            for j in range where scalars[j] == "\n" && j - pieceStart >= 150 {
                pieces.append(pieceStart..<j)
                pieceStart = j + 1
            }
            if pieceStart < range.upperBound { pieces.append(pieceStart..<range.upperBound) }
            return pieces
        }
    }
}
