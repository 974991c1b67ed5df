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
/// distinct query terms carry the most weight × IDF. Pages come from the document's page map
/// (format 1.1); a 1.0 file, which has none, cites the chunk's page span.
struct ExcerptSelector {
    static let maxSentences = 2
    static let maxScalars = 400

    let analyzer: LexicalAnalyzer

    /// `termWeights`: query term → weight × IDF.
    func excerpt(of chunk: ChunkRecord, document: DocumentRecord, termWeights: [String: Float]) -> Excerpt {
        let scalars = Array(chunk.text.unicodeScalars)
        let sentences = Self.sentences(scalars)
        let words = analyzer.words(chunk.text)
        // Distinct terms per sentence.
        var termsBySentence = [Set<String>](repeating: [], count: sentences.count)
        var sentence = 0
        for word in words {
            while sentence + 1 < sentences.count && word.start >= sentences[sentence + 1].lowerBound { sentence += 1 }
            if let term = word.term, termWeights[term] != nil { termsBySentence[sentence].insert(term) }
        }
        var best = (score: Float(-1), range: 0..<min(1, sentences.count))
        for first in sentences.indices {
            var terms = Set<String>()
            for last in first..<min(first + Self.maxSentences, sentences.count) {
                let span = sentences[first].lowerBound..<sentences[last].upperBound
                if last > first && span.count > Self.maxScalars { break }
                terms.formUnion(termsBySentence[last])
                // A second sentence must add a term to be worth quoting.
                let score = terms.reduce(Float(0)) { $0 + (termWeights[$1] ?? 0) } - (last > first ? 0.001 : 0)
                if score > best.score { best = (score, first..<(last + 1)) }
            }
        }
        guard !sentences.isEmpty, !best.range.isEmpty else {
            return Excerpt(text: "", start: Int(chunk.start), end: Int(chunk.start), pageStart: page(chunk.pageStart), pageEnd: page(chunk.pageStart))
        }
        var span = sentences[best.range.lowerBound].lowerBound..<sentences[best.range.upperBound - 1].upperBound
        if span.count > Self.maxScalars { span = span.lowerBound..<(span.lowerBound + Self.maxScalars) }
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
        return Excerpt(text: text, start: start, end: end, pageStart: pageStart, pageEnd: pageEnd)
    }

    private func page(_ stored: UInt32) -> Int? { stored == 0 ? nil : Int(stored) }

    /// Sentence spans: cut after `.`, `!`, `?` followed by white space, at blank lines, before
    /// list items and at page breaks; surrounding white space trimmed.
    static func sentences(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        func close(_ end: Int) {
            var s = start
            while s < end && scalars[s].properties.isWhitespace { s += 1 }
            var e = end
            while e > s && scalars[e - 1].properties.isWhitespace { e -= 1 }
            if e > s { result.append(s..<e) }
            start = end
        }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            let next: Unicode.Scalar? = i + 1 < scalars.count ? scalars[i + 1] : nil
            if c == "\u{000C}" || (c == "\n" && (next == "\n" || next == "-" || next == "•" || next == "*")) {
                close(i + 1)
            } else if (c == "." || c == "!" || c == "?"), let next, next.properties.isWhitespace {
                close(i + 1)
            }
            i += 1
        }
        close(scalars.count)
        return result
    }
}
