public import Tokenization

/// The passages of a chunk that are embedded one by one: consecutive, near-equal windows of
/// whole words that fit the local model's 254-piece input with the title line in front. The
/// chunk's own vector is their token-weighted mean (what all-MiniLM-L6-v2 did for a long chunk
/// anyway); the window vectors are kept too, so retrieval can score a chunk by its best passage
/// and point its excerpt at that passage. Ollama embedders get the same windows.
public enum ChunkWindows {
    public static let maxPieces = 128

    /// Scalar ranges of `text` (a chunk) and their token counts; one window for a short chunk.
    public static func split(_ text: String, titleTokens: Int, tokenizer: WordPieceTokenizer) -> [(range: Range<Int>, tokens: Int)] {
        let tokens = tokenizer.tokenize(text)
        let scalarCount = text.unicodeScalars.count
        let budget = max(maxPieces - titleTokens - 1, 32)
        guard tokens.count > budget else { return [(0..<scalarCount, tokens.count)] }
        let windows = (tokens.count + budget - 1) / budget
        var starts: [Int] = []
        for i in 0..<windows {
            var start = i * tokens.count / windows
            while start > 0 && tokens[start].isContinuation { start -= 1 }  // whole words only
            if starts.last.map({ start > $0 }) ?? true { starts.append(start) }
        }
        return starts.indices.map { i in
            let first = starts[i], end = i + 1 < starts.count ? starts[i + 1] : tokens.count
            let lower = i == 0 ? 0 : tokens[first].start
            let upper = i + 1 < starts.count ? tokens[end].start : scalarCount
            return (lower..<upper, end - first)
        }
    }
}
