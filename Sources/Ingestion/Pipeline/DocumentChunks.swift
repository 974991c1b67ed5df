public import Chunking
public import Documents
public import Tokenization

/// A document cut into chunks: the join point of extraction, tokenization and chunking.
public struct DocumentChunks: Sendable {
    public var document: ExtractedDocument
    public var chunks: [Chunk]
    /// Tokens in the whole document (each counted once, overlap aside).
    public var tokenCount: Int

    public init(document: ExtractedDocument, tokenizer: WordPieceTokenizer, chunker: Chunker) {
        self.document = document
        let text = document.text
        let tokens = tokenizer.tokenize(text)
        self.tokenCount = tokens.count
        self.chunks = chunker.chunks(
            text: text, tokens: tokens,
            pageStarts: document.pageStartOffsets,
            pageNumbers: document.pages.map(\.number)
        )
    }
}
