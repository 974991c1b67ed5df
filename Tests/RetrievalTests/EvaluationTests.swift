import Foundation
import Retrieval
import Testing
import TestSupport
import VectorIndex

/// `coachrag eval`'s figures on a hand-checked case, and question-file errors.
@Suite struct EvaluationTests {
    let fixture = RetrievalFixture()

    func write(_ lines: [String]) throws -> URL {
        let url = fixture.directory.appendingPathComponent(UUID().uuidString + ".jsonl")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func figuresAndMisses() async throws {
        let index = try fixture.index([
            .init(text: "Adults need seven to nine hours of sleep.", vector: [1, 0, 0]),
            .init(text: "Teenagers need eight to ten hours of sleep.", vector: [0, 1, 0], document: 1),
            .init(text: "Drink water during long runs.", vector: [0, 0, 1], document: 2),
        ], documents: ["docs/adults.txt", "docs/teens.txt", "docs/water.txt"].map { RetrievalFixture.document($0) })
        let file = try write([
            #"{"id": "a", "question": "How much sleep do adults need?", "answer_doc": "adults.txt", "answer_span": "seven to  nine hours", "kind": "number"}"#,
            #"# a comment line"#,
            #"{"id": "b", "question": "Water when running?", "answer_doc": "teens.txt", "kind": "keyword"}"#,
        ])
        let questions = try EvaluationQuestion.load(file)
        // Dense always points at the adults' chunk; lexical decides the rest.
        let report = try await Evaluator(retriever: HybridRetriever(tokenizer: RetrievalFixture.tokenizer), settings: RetrievalSettings())
            .evaluate(questions, index: index, k: 1, embed: { _ in [1, 0, 0] })
        #expect(report.questions == 2)
        #expect(report.byKind["number"]?.recallAtK == 1)
        #expect(report.byKind["number"]?.spanHitAtK == 1)
        #expect(report.byKind["keyword"]?.recallAtK == 0)
        #expect(report.overall.recallAtK == 0.5)
        #expect(report.misses.map(\.id) == ["b"])
        #expect(report.misses.first?.top == "docs/water.txt" || report.misses.first?.top == "docs/adults.txt")
        let b = try #require(report.misses.first)
        let expectedMRR = (1 + (b.rank.map { 1 / Double($0) } ?? 0)) / 2
        #expect(abs(report.overall.mrrAt10 - expectedMRR) < 0.001)
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        for key in ["\"questions\"", "\"k\"", "\"recall_at_k\"", "\"span_hit_at_k\"", "\"mrr_at_10\"", "\"ndcg_at_10\"", "\"page_accuracy\"", "\"by_kind\"", "\"misses\""] {
            #expect(json.contains(key))
        }
    }

    @Test func pageAccuracyCountsTheExcerptsPagesOrAQuoteOfTheSpan() async throws {
        let text = "Eat protein at every meal.\u{000C}Summary: aim for 30 grams of protein at each meal."
        let secondPage = (Array(text.unicodeScalars).firstIndex(of: "\u{000C}") ?? 0) + 1
        let document = RetrievalFixture.document("guide.pdf", pages: [PageStart(start: 0, number: 1), PageStart(start: UInt32(secondPage), number: 2)])
        let index = try fixture.index([.init(text: text, vector: [1, 0]), .init(text: "Unrelated.", vector: [0, 1])], documents: [document])
        let file = try write([
            // The span is quoted on page 2; the question names page 2: right page.
            #"{"id": "p2", "question": "How many grams of protein at each meal?", "answer_doc": "guide.pdf", "answer_page": 2, "answer_span": "30 grams of protein"}"#,
            // The same statement also stands on page 5 of the real handout: quoting it counts.
            #"{"id": "p5", "question": "How many grams of protein at each meal?", "answer_doc": "guide.pdf", "answer_page": 5, "answer_span": "30 grams of protein"}"#,
            // Neither the page nor a quote of the span: wrong.
            #"{"id": "px", "question": "How many grams of protein at each meal?", "answer_doc": "guide.pdf", "answer_page": 7, "answer_span": "every meal"}"#,
        ])
        let report = try await Evaluator(retriever: HybridRetriever(tokenizer: RetrievalFixture.tokenizer), settings: RetrievalSettings())
            .evaluate(try EvaluationQuestion.load(file), index: index, k: 1, embed: { _ in [1, 0] })
        #expect(abs((report.overall.pageAccuracy ?? 0) - 2.0 / 3) < 0.001)
    }

    @Test func badLinesAreNamed() throws {
        let missing = try write([#"{"id": "x", "question": "q"}"#])
        #expect { try EvaluationQuestion.load(missing) } throws: { "\($0)".contains(":1: not a question object (missing field \"answer_doc\")") }
        let duplicate = try write([#"{"id": "x", "question": "q", "answer_doc": "a"}"#, #"{"id": "x", "question": "r", "answer_doc": "a"}"#])
        #expect { try EvaluationQuestion.load(duplicate) } throws: { "\($0)".contains(":2: id \"x\" is used twice") }
        let broken = try write(["{not json"])
        #expect { try EvaluationQuestion.load(broken) } throws: { "\($0)".contains(":1: not a question object (invalid JSON)") }
    }
}
