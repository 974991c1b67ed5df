import Foundation
import Testing
@testable import Tokenization

/// One reference tokenization from HuggingFace tokenizers (see Fixtures/README.md).
struct WordPieceCase: Decodable, Sendable, CustomTestStringConvertible {
    var text: String
    var ids: [Int32]
    var tokens: [String]
    var offsets: [[Int]]
    var ids_with_special: [Int32]
    var category: String
    var testDescription: String { "\(category): \(text.prefix(40).debugDescription)" }

    static let all: [WordPieceCase] = {
        guard let url = Bundle.module.url(forResource: "wordpiece_cases", withExtension: "jsonl", subdirectory: "Fixtures"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(WordPieceCase.self, from: Data($0.utf8)) }
    }()
}

@Suite struct WordPieceFixtureTests {
    let tokenizer: WordPieceTokenizer

    init() throws {
        tokenizer = try WordPieceTokenizer.bundled()
    }

    @Test func allCasesAreLoaded() {
        #expect(WordPieceCase.all.count == 363)
    }

    @Test func vocabularyIsTheBERTUncasedOne() {
        #expect(tokenizer.vocabularySize == 30522)
        #expect(tokenizer.piece(for: 101) == "[CLS]")
        #expect(tokenizer.piece(for: 7592) == "hello")
        #expect(tokenizer.id(for: "##ing") != nil)
    }

    @Test(arguments: WordPieceCase.all)
    func matchesReference(_ reference: WordPieceCase) {
        let tokens = tokenizer.tokenize(reference.text)
        #expect(tokens.map(\.id) == reference.ids)
        #expect(tokens.map { tokenizer.piece(for: $0.id) } == reference.tokens)
        #expect(tokens.map { [$0.start, $0.end] } == reference.offsets)
        #expect(tokenizer.encodeWithSpecialTokens(reference.text) == reference.ids_with_special)
        #expect(tokens.map(\.isContinuation) == reference.tokens.map { Array($0.unicodeScalars.prefix(2)) == ["#", "#"] && $0.unicodeScalars.count > 2 })
    }
}

@Suite struct WordPieceBehaviourTests {
    let tokenizer: WordPieceTokenizer

    init() throws {
        tokenizer = try WordPieceTokenizer.bundled()
    }

    private func pieces(_ text: String) -> [String] { tokenizer.tokenize(text).map { tokenizer.piece(for: $0.id) } }

    @Test func emptyAndWhitespace() {
        #expect(tokenizer.tokenize("").isEmpty)
        #expect(tokenizer.tokenize(" \n\t\u{00A0}\u{3000}").isEmpty)
    }

    @Test func zeroWidthCharactersJoinAndNoBreakSpacesSplit() {
        #expect(pieces("zero\u{200B}width") == pieces("zerowidth"))
        #expect(pieces("no\u{00A0}break") == ["no", "break"])
    }

    @Test func longWordRule() {
        let hundred = String(repeating: "a", count: 100)
        #expect(pieces(hundred) != ["[UNK]"])
        #expect(pieces(hundred + "a") == ["[UNK]"])
        // Counted after accent stripping: 60 × (e + U+0301) is 60 scalars, not 120.
        #expect(pieces(String(repeating: "e\u{0301}", count: 60)) != ["[UNK]"])
    }

    @Test func specialLiteralsAndOffsets() {
        let tokens = tokenizer.tokenize("Hi [MASK]ed [cls]")
        #expect(tokens.map { tokenizer.piece(for: $0.id) }.prefix(3) == ["hi", "[MASK]", "ed"])
        #expect(tokens[1].start == 3 && tokens[1].end == 9)
        #expect(!tokens.contains { $0.id == WordPieceTokenizer.clsID })
    }

    @Test func removedScalarsInsideASpanButNotAtItsEdges() {
        #expect(tokenizer.tokenize("a\u{0000}b").map { [$0.start, $0.end] } == [[0, 3]])
        #expect(tokenizer.tokenize("cafe\u{0301}").map { [$0.start, $0.end] } == [[0, 4]])
    }
}
