/// One chunk of a document: a token window and the exact text it covers.
public struct Chunk: Sendable, Hashable, Codable {
    /// Position of the chunk in its document (0-based).
    public var index: Int
    /// The exact substring of the document text between `start` and `end`.
    public var text: String
    /// Number of WordPiece tokens in the chunk (without [CLS]/[SEP]).
    public var tokenCount: Int
    /// Span `[start, end)` in Unicode-scalar offsets into the document text.
    public var start: Int
    public var end: Int
    /// First and last page the chunk touches (1-based), or nil for documents without pages.
    public var pageStart: Int?
    public var pageEnd: Int?
    /// Token window `[firstToken, endToken)` in the document's token sequence.
    public var firstToken: Int
    public var endToken: Int

    public init(index: Int, text: String, tokenCount: Int, start: Int, end: Int, pageStart: Int?, pageEnd: Int?, firstToken: Int, endToken: Int) {
        self.index = index
        self.text = text
        self.tokenCount = tokenCount
        self.start = start
        self.end = end
        self.pageStart = pageStart
        self.pageEnd = pageEnd
        self.firstToken = firstToken
        self.endToken = endToken
    }
}
