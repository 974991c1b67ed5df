import Retrieval
import Testing
import Tokenization

@Suite struct LexicalAnalyzerTests {
    let analyzer = LexicalAnalyzer(tokenizer: try! WordPieceTokenizer.bundled())

    @Test func normalisesLikeTheTokenizerAndKeepsNumbers() {
        #expect(analyzer.terms("Café prices: €180 at 6:30 a.m. for Teenagers!") == ["cafe", "price", "180", "6", "30", "teenager"])
    }

    @Test func porterStepOneFoldsInflections() {
        let pairs = ["napping": "nap", "naps": "nap", "running": "run", "berries": "berri", "berry": "berri", "caresses": "caress",
                     "agreed": "agree", "hopping": "hop", "filing": "file", "happy": "happi", "sky": "sky", "teenagers": "teenager", "is": "is"]
        for (word, stem) in pairs { #expect(analyzer.terms(word) == (word == "is" ? [] : [stem]), "\(word)") }
    }

    @Test func dropsStopWordsAndPunctuationOnly() {
        #expect(analyzer.terms("What is it? ... !!!").isEmpty)
    }

    @Test func keepsPrepositionsOfTimeAndAmount() {
        #expect(analyzer.terms("3 hours before bed, over 2.5 hours, under 60 minutes") == ["3", "hour", "before", "bed", "over", "2", "5", "hour", "under", "60", "minute"])
    }

    @Test func keepsWordsTheVocabularyCannotSpellAndOtherScripts() {
        let terms = analyzer.terms("睡眠 Schlafqualität")
        #expect(terms.contains("睡"))
        #expect(terms.contains("schlafqualitat"))
    }

    @Test func wordSpansPointIntoTheText() {
        let text = "Adults need sleep."
        let scalars = Array(text.unicodeScalars)
        let words = analyzer.words(text)
        #expect(words.map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) } == ["Adults", "need", "sleep", "."])
        #expect(words.map(\.term) == ["adult", "need", "sleep", nil])
    }
}

/// How a question becomes weighted lexical terms.
@Suite struct ConversationQueryTermsTests {
    let analyzer = LexicalAnalyzer(tokenizer: try! WordPieceTokenizer.bundled())

    func weights(_ question: String) -> [String: Float] {
        Dictionary(ConversationQuery(question: question).lexicalTerms(analyzer, settings: RetrievalSettings()).map { ($0.term, $0.weight) },
                   uniquingKeysWith: +)
    }

    @Test func theTermsOfACompoundShareOneWeight() {
        let terms = weights("When do I stop alcohol in the 10-3-2-1-0 routine?")
        #expect(terms["alcohol"] == 1 && terms["routine"] == 1)
        for digit in ["10", "3", "2", "1", "0"] { #expect(abs((terms[digit] ?? 0) - 0.2) < 1e-6, "\(digit)") }
    }

    @Test func numbersAlsoCountInTheirOtherSpellingAtHalfWeight() {
        let terms = weights("What does the first week look like with 2 sets of twelve?")
        #expect(terms["first"] == 1 && terms["1"] == 0.5)
        #expect(terms["2"] == 1 && terms["two"] == 0.5)
        #expect(terms["twelve"] == 1 && terms["12"] == 0.5)
        // "second" is a unit of time far more often than an ordinal; "one" a pronoun.
        #expect(weights("one second")["2"] == nil && weights("one second")["1"] == nil)
    }
}

/// How chunks are cut into embedded passages.
@Suite struct ChunkWindowsTests {
    let tokenizer = try! WordPieceTokenizer.bundled()

    @Test func aShortChunkIsOneWindow() {
        let windows = ChunkWindows.split("Adults need seven to nine hours.", titleTokens: 5, tokenizer: tokenizer)
        #expect(windows.count == 1 && windows[0].range == 0..<32)
    }

    @Test func aLongChunkIsCutIntoNearEqualWholeWordWindowsThatCoverIt() {
        let text = (0..<300).map { "word\($0) sleeping" }.joined(separator: " ")
        let windows = ChunkWindows.split(text, titleTokens: 10, tokenizer: tokenizer)
        let scalars = Array(text.unicodeScalars)
        #expect(windows.count >= 3)
        #expect(windows.first?.range.lowerBound == 0 && windows.last?.range.upperBound == scalars.count)
        for (a, b) in zip(windows, windows.dropFirst()) { #expect(a.range.upperBound == b.range.lowerBound) }
        for window in windows {
            #expect(window.tokens + 10 < ChunkWindows.maxPieces)
            #expect(window.range.lowerBound == 0 || scalars[window.range.lowerBound - 1] == " ", "windows start at a word")
        }
        let sizes = windows.map(\.tokens)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 10)
    }
}
