public import Tokenization

/// Cuts a document's token sequence into overlapping windows and maps them back to text.
///
/// Rules, in order of priority:
/// 1. No chunk has more than `maxTokens` tokens.
/// 2. A window never ends inside a word: it ends before the first piece of a word (a token that
///    is not a `##` continuation). Only a single word longer than `maxTokens` pieces is split.
/// 3. The next window starts at the start of the word holding token `end − overlap`, so
///    neighbours share at least `overlap` tokens and fewer than `overlap + L` (L = the pieces of
///    that one word). The tolerance comes only from not splitting that word.
/// 4. Every token is in at least one chunk; a document shorter than one window is one chunk.
/// Chunks never cross documents (the chunker sees one document at a time) and the result is a
/// pure function of its input.
public struct Chunker: Sendable {
    public var configuration: ChunkingConfiguration

    public init(configuration: ChunkingConfiguration = .default) throws(ChunkingError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Token windows `[start, end)` over `tokens`.
    public func windows(over tokens: [Token]) -> [Range<Int>] {
        let count = tokens.count
        guard count > 0 else { return [] }
        let maxTokens = configuration.maxTokens, overlap = configuration.overlap
        func wordStart(atOrBefore index: Int) -> Int {
            var i = index
            while i > 0 && tokens[i].isContinuation { i -= 1 }
            return i
        }
        var windows: [Range<Int>] = []
        var start = 0
        while true {
            var end = min(start + maxTokens, count)
            if end < count {
                let boundary = wordStart(atOrBefore: end)
                if boundary > start { end = boundary }  // else: one word longer than the window
            }
            windows.append(start..<end)
            if end == count { break }
            var next = wordStart(atOrBefore: end - overlap)
            if next <= start {
                // The overlap would not move forward (a very long word): start at the next word.
                next = start + 1
                while next < end && tokens[next].isContinuation { next += 1 }
            }
            start = next
        }
        return windows
    }

    /// Chunks of one document's text. `tokens` are the tokenizer's output for `text`;
    /// `pageStarts` the scalar offset where each page begins and `pageNumbers` its number
    /// (nil for documents without pages).
    public func chunks(text: String, tokens: [Token], pageStarts: [Int] = [0], pageNumbers: [Int?] = [nil]) -> [Chunk] {
        let scalars = Array(text.unicodeScalars)
        func page(at offset: Int) -> Int? {
            // Last page whose start is <= offset.
            var low = 0, high = pageStarts.count - 1, found = 0
            while low <= high {
                let mid = (low + high) / 2
                if pageStarts[mid] <= offset { found = mid; low = mid + 1 } else { high = mid - 1 }
            }
            return found < pageNumbers.count ? pageNumbers[found] : nil
        }
        return windows(over: tokens).enumerated().map { index, window in
            let start = tokens[window.lowerBound].start
            let end = tokens[window.upperBound - 1].end
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<end])
            return Chunk(
                index: index, text: String(view), tokenCount: window.count, start: start, end: end,
                pageStart: page(at: start), pageEnd: page(at: max(start, end - 1)),
                firstToken: window.lowerBound, endToken: window.upperBound
            )
        }
    }
}
