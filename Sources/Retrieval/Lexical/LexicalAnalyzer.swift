public import Tokenization

/// Turns text into the terms of the lexical index, the same way at ingest and at query time.
///
/// Words are the embedder's own pre-tokenisation (BERT's normaliser: lower-cased, accents
/// stripped, punctuation split off, CJK ideographs one word each), read back from the WordPiece
/// tokens so there is one normaliser. Then: symbols at a word's edges are trimmed and words
/// without a letter or digit are dropped (numbers are kept as terms: "€180" → "180"; "6:30" →
/// "6", "30"), English stop words are dropped, and Porter's step 1 folds inflections
/// ("teenagers" → "teenager"; "napping", "naps" → "nap"; `PorterStep1`).
public struct LexicalAnalyzer: Sendable {
    /// One word of a text: its term (nil for a stop word or punctuation) and its span in Unicode
    /// scalars of the text.
    public struct Word: Sendable, Hashable {
        public var term: String?
        public var start: Int
        public var end: Int
    }

    private let tokenizer: WordPieceTokenizer
    /// The term of every vocabulary piece that can be a whole word, by id, computed once: most
    /// words are one piece, so analysing a chunk allocates almost nothing.
    private let pieceTerms: [String?]

    public init(tokenizer: WordPieceTokenizer) {
        self.tokenizer = tokenizer
        pieceTerms = (0..<tokenizer.vocabularySize).map { id in
            let piece = tokenizer.piece(for: Int32(id))
            return piece.hasPrefix("##") || Int32(id) == WordPieceTokenizer.unknownID ? nil : Self.term(piece)
        }
    }

    /// Every word of `text` in order, with its term. Words are read back from the WordPiece
    /// tokens (a word is a piece and its `##` continuations; its text the pieces joined).
    public func words(_ text: String) -> [Word] {
        let tokens = tokenizer.tokenize(text)
        var words: [Word] = []
        words.reserveCapacity(tokens.count)
        var scalars: [Unicode.Scalar]?
        var index = 0
        while index < tokens.count {
            let first = tokens[index]
            var next = index + 1
            while next < tokens.count && tokens[next].isContinuation { next += 1 }
            let end = tokens[next - 1].end
            if next == index + 1, first.id != WordPieceTokenizer.unknownID, first.id >= 0, Int(first.id) < pieceTerms.count {
                words.append(Word(term: pieceTerms[Int(first.id)], start: first.start, end: end))
            } else {
                var word = ""
                for token in tokens[index..<next] {
                    if token.id == WordPieceTokenizer.unknownID {
                        // A word the vocabulary cannot spell: its own scalars, lower-cased.
                        if scalars == nil { scalars = Array(text.unicodeScalars) }
                        var view = String.UnicodeScalarView()
                        view.append(contentsOf: scalars.map { $0[token.start..<token.end] } ?? [])
                        word += String(view).lowercased()
                    } else {
                        let piece = tokenizer.piece(for: token.id)
                        word += token.isContinuation && piece.hasPrefix("##") ? String(piece.dropFirst(2)) : piece
                    }
                }
                words.append(Word(term: word.isEmpty ? nil : Self.term(word), start: first.start, end: end))
            }
            index = next
        }
        return words
    }

    /// The terms of `text`, in order, stop words and punctuation removed.
    public func terms(_ text: String) -> [String] {
        words(text).compactMap(\.term)
    }

    /// Term → frequency in `text`.
    public func termFrequencies(_ text: String) -> [String: Int] {
        var frequencies: [String: Int] = [:]
        for term in terms(text) { frequencies[term, default: 0] += 1 }
        return frequencies
    }

    /// The index term of one normalised word, or nil. Symbols at a word's edges go ("€180" →
    /// "180": BERT splits punctuation but not currency signs).
    static func term(_ word: String) -> String? {
        func isAlphanumeric(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil }
        let scalars = word.unicodeScalars
        guard let first = scalars.firstIndex(where: isAlphanumeric), let last = scalars.lastIndex(where: isAlphanumeric) else { return nil }
        let word = first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) ? word : String(scalars[first...last])
        guard !Stopwords.english.contains(word) else { return nil }
        return PorterStep1.stem(word)
    }
}
