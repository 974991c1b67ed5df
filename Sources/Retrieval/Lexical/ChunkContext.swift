/// What a chunk is indexed with besides its own text: its document's title, in both its lexical
/// and its dense representation. A chunk on page 7 rarely repeats the handout's subject or the
/// club's name; its title does.
///
/// The title is the file name's words ("riverside-club-prices-2026.pdf" → "riverside club prices
/// 2026") and the document's first line when that line is short (a heading, under 100
/// characters) and says something the file name does not.
public struct ChunkContext: Sendable, Hashable {
    public var title: String

    public init(path: String, documentText: String) {
        let words = Self.fileTitle(path)
        let firstLine = documentText.split(whereSeparator: { $0.isNewline || $0 == "\u{000C}" }).first
            .map { $0.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") } ?? ""
        if !firstLine.isEmpty, firstLine.count < 100, firstLine.lowercased() != words.lowercased() {
            title = words + ". " + firstLine
        } else {
            title = words
        }
    }

    /// A file name's words: "docs/riverside-club_2026.pdf" → "riverside club 2026".
    static func fileTitle(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let stem = file.contains(".") ? String(file[..<(file.lastIndex(of: ".") ?? file.endIndex)]) : file
        return stem.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " || $0 == "." }).joined(separator: " ")
    }

    /// The text the embedder sees for a chunk: the title line, then the chunk.
    public func denseText(_ chunk: String) -> String { title + "\n" + chunk }

    /// The chunk's lexical terms with the title's added once each (title words count as one
    /// occurrence, so they identify the document without drowning the chunk's own words).
    public func lexicalTerms(_ chunk: String, analyzer: LexicalAnalyzer) -> [String: Int] {
        var frequencies = analyzer.termFrequencies(chunk)
        for term in Set(analyzer.terms(title)) { frequencies[term, default: 0] += 1 }
        return frequencies
    }
}
