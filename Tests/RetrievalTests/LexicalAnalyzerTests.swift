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
