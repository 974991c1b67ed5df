// Placeholder: the Tokenization helper replaces this file. The API below is the contract
// the Chunking and Embedding targets build against.

/// One WordPiece token: its vocabulary id and its span `[start, end)` in Unicode-scalar offsets
/// of the original text.
public struct Token: Sendable, Hashable {
    public var id: Int32
    public var start: Int
    public var end: Int
    /// True for `##` continuation pieces (the token continues the previous word).
    public var isContinuation: Bool
    public init(id: Int32, start: Int, end: Int, isContinuation: Bool) {
        self.id = id; self.start = start; self.end = end; self.isContinuation = isContinuation
    }
}
