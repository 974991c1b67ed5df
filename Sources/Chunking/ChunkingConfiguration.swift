/// How documents are cut into chunks: windows of at most `maxTokens` WordPiece tokens, with
/// `overlap` tokens shared between neighbours.
public struct ChunkingConfiguration: Sendable, Hashable, Codable {
    /// Largest chunk, in tokens of the embedding model's tokenizer (default 1000).
    public var maxTokens: Int
    /// Tokens repeated at the start of a chunk from the end of the previous one (default 200).
    public var overlap: Int

    public init(maxTokens: Int = 1000, overlap: Int = 200) {
        self.maxTokens = maxTokens
        self.overlap = overlap
    }

    public static let `default` = ChunkingConfiguration()

    /// Throws when the numbers cannot make progress or make no sense.
    public func validate() throws(ChunkingError) {
        guard maxTokens >= 1 else { throw .invalidConfiguration("max tokens must be at least 1 (got \(maxTokens))") }
        guard overlap >= 0 else { throw .invalidConfiguration("overlap must not be negative (got \(overlap))") }
        guard overlap < maxTokens else {
            throw .invalidConfiguration("overlap (\(overlap)) must be smaller than max tokens (\(maxTokens))")
        }
    }
}

/// Why chunking could not run.
public enum ChunkingError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let reason): "invalid chunking configuration: \(reason)"
        }
    }
}
