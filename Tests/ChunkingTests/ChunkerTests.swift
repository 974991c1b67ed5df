import Testing
import Tokenization
@testable import Chunking

/// A deterministic generator (SplitMix64), so every property run is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generated text with its tokens: words of 1…`maxPieces` pieces separated by spaces or
/// newlines, each piece a few letters; pages split at word boundaries.
struct GeneratedDocument {
    var text: String
    var tokens: [Token]
    var wordLengths: [Int]
    var pageStarts: [Int]

    init(words: Int, maxPieces: Int, pages: Int, seed: UInt64) {
        var rng = SeededGenerator(state: seed)
        var scalars: [Unicode.Scalar] = []
        var tokens: [Token] = []
        var wordLengths: [Int] = []
        var pageStarts = [0]
        let wordsPerPage = max(1, words / max(pages, 1))
        for word in 0..<words {
            if word > 0 {
                if word % wordsPerPage == 0 && pageStarts.count < pages {
                    scalars.append("\u{000C}")
                    pageStarts.append(scalars.count)
                } else {
                    scalars.append(Bool.random(using: &rng) ? " " : "\n")
                }
            }
            let pieces = Int.random(in: 1...maxPieces, using: &rng)
            wordLengths.append(pieces)
            for piece in 0..<pieces {
                let start = scalars.count
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    scalars.append(Unicode.Scalar(UInt8.random(in: 97...122, using: &rng)))
                }
                tokens.append(Token(id: 1000, start: start, end: scalars.count, isContinuation: piece > 0))
            }
        }
        self.text = String(String.UnicodeScalarView(scalars))
        self.tokens = tokens
        self.wordLengths = wordLengths
        self.pageStarts = pageStarts
    }
}

@Suite struct ChunkerTests {
    @Test(arguments: [(1000, 200), (50, 10), (64, 0), (16, 15), (7, 3)])
    func windowProperties(maxTokens: Int, overlap: Int) throws {
        let chunker = try Chunker(configuration: .init(maxTokens: maxTokens, overlap: overlap))
        for seed in 0..<40 as Range<UInt64> {
            let maxPieces = max(1, min(5, (maxTokens - overlap) / 2))
            let document = GeneratedDocument(words: 30 + Int(seed) * 37, maxPieces: maxPieces, pages: 3, seed: seed)
            let tokens = document.tokens
            let windows = chunker.windows(over: tokens)
            var covered = [Bool](repeating: false, count: tokens.count)
            for (index, window) in windows.enumerated() {
                #expect(window.count <= maxTokens, "window over the limit")
                #expect(!tokens[window.lowerBound].isContinuation, "window starts inside a word")
                #expect(window.upperBound == tokens.count || !tokens[window.upperBound].isContinuation, "window ends inside a word")
                for i in window { covered[i] = true }
                if index > 0 {
                    let previous = windows[index - 1]
                    let shared = previous.upperBound - window.lowerBound
                    #expect(window.lowerBound > previous.lowerBound, "no progress")
                    #expect(shared >= overlap, "overlap \(shared) below \(overlap)")
                    #expect(shared < overlap + maxPieces, "overlap \(shared) beyond the one-word tolerance")
                }
            }
            #expect(covered.allSatisfy { $0 }, "a token is in no chunk")
            #expect(windows.last?.upperBound == tokens.count)
        }
    }

    @Test func chunkTextIsTheExactSliceAndPagesAreRight() throws {
        let chunker = try Chunker(configuration: .init(maxTokens: 40, overlap: 8))
        let document = GeneratedDocument(words: 400, maxPieces: 3, pages: 5, seed: 7)
        let scalars = Array(document.text.unicodeScalars)
        let chunks = chunker.chunks(text: document.text, tokens: document.tokens, pageStarts: document.pageStarts, pageNumbers: [1, 2, 3, 4, 5])
        #expect(chunks.count > 10)
        for chunk in chunks {
            #expect(chunk.text == String(String.UnicodeScalarView(scalars[chunk.start..<chunk.end])))
            #expect(chunk.tokenCount == chunk.endToken - chunk.firstToken)
            let expectedStartPage = document.pageStarts.lastIndex { $0 <= chunk.start }.map { $0 + 1 }
            let expectedEndPage = document.pageStarts.lastIndex { $0 <= chunk.end - 1 }.map { $0 + 1 }
            #expect(chunk.pageStart == expectedStartPage)
            #expect(chunk.pageEnd == expectedEndPage)
        }
        #expect(chunks.map(\.index) == Array(0..<chunks.count))
    }

    @Test func shortDocumentIsOneChunk() throws {
        let document = GeneratedDocument(words: 20, maxPieces: 2, pages: 1, seed: 1)
        let chunks = try Chunker().chunks(text: document.text, tokens: document.tokens)
        #expect(chunks.count == 1)
        #expect(chunks[0].start == 0 && chunks[0].end == document.text.unicodeScalars.count)
        #expect(chunks[0].pageStart == nil)
    }

    @Test func emptyDocumentHasNoChunks() throws {
        #expect(try Chunker().chunks(text: "", tokens: []).isEmpty)
    }

    @Test func aWordLongerThanTheWindowIsSplitRatherThanLost() throws {
        let tokens = (0..<10).map { Token(id: 1, start: $0, end: $0 + 1, isContinuation: $0 > 0) }
        let windows = try Chunker(configuration: .init(maxTokens: 4, overlap: 1)).windows(over: tokens)
        #expect(windows.allSatisfy { $0.count <= 4 })
        #expect(windows.last?.upperBound == 10)
    }

    @Test func deterministic() throws {
        let document = GeneratedDocument(words: 3000, maxPieces: 4, pages: 1, seed: 99)
        let chunker = try Chunker()
        #expect(chunker.windows(over: document.tokens) == chunker.windows(over: document.tokens))
    }

    @Test func invalidConfigurationsAreRefused() {
        #expect(throws: ChunkingError.self) { try Chunker(configuration: .init(maxTokens: 100, overlap: 100)) }
        #expect(throws: ChunkingError.self) { try Chunker(configuration: .init(maxTokens: 0, overlap: 0)) }
        #expect(throws: ChunkingError.self) { try Chunker(configuration: .init(maxTokens: 10, overlap: -1)) }
    }
}
