import Foundation
import Testing
import TestSupport

/// `coachrag eval` and ingest's evaluation gate, through the binary, on the demo corpus.
@Suite(.serialized) struct EvalCommandTests {
    let root = TemporaryDirectory.make("cli-eval")
    let demo = TestPaths.corpora.appendingPathComponent("demo").path
    var indexes: String { root.appendingPathComponent("indexes").path }

    func file(_ name: String, _ text: String) throws -> String {
        let url = root.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let questions = """
        {"id": "sleep", "question": "How many hours of sleep do adults need?", "answer_doc": "sleep-guide.pdf", "answer_page": 1, "answer_span": "seven to nine hours", "kind": "number"}
        {"id": "woop", "question": "What does WOOP stand for?", "answer_doc": "goal-setting.docx", "answer_span": "Wish, Outcome, Obstacle, Plan", "kind": "name"}
        {"id": "teens", "question": "And teenagers?", "context": [{"role": "user", "content": "How many hours of sleep do adults need?"}], "answer_doc": "sleep-guide.pdf", "kind": "followup"}
        """

    @Test func evalPrintsTheFiguresAndTheMisses() throws {
        let ingest = try CommandRunner.run(["ingest", "--indexes", indexes, "--creator", "demo", demo], currentDirectory: TestPaths.packageRoot, timeout: 300)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let questions = try file("q.jsonl", Self.questions)

        let json = try CommandRunner.run(["eval", "--indexes", indexes, "--creator", "demo", "--questions", questions, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try #require(json.jsonLines.first)
        #expect(Set(report.keys) == ["questions", "k", "recall_at_k", "span_hit_at_k", "mrr_at_10", "ndcg_at_10", "page_accuracy", "by_kind", "misses"])
        #expect(report["questions"] as? Int == 3 && report["k"] as? Int == 5)
        #expect(report["recall_at_k"] as? Double == 1)
        #expect(report["page_accuracy"] as? Double == 1)
        #expect(Set((report["by_kind"] as? [String: Any])?.keys ?? [:].keys) == ["number", "name", "followup"])

        let text = try CommandRunner.run(["eval", "--indexes", indexes, "--creator", "demo", "--questions", questions, "--method", "lexical", "-k", "1"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("demo (lexical): 3 question(s)"))
        #expect(text.stdout.contains("overall"))

        // A question whose document is not in the index is a listed miss.
        let missing = try file("miss.jsonl", #"{"id": "m1", "question": "How do I tune a guitar?", "answer_doc": "guitar.pdf"}"#)
        let miss = try CommandRunner.run(["eval", "--indexes", indexes, "--creator", "demo", "--questions", missing])
        #expect(miss.stdout.contains("m1 [all] How do I tune a guitar? — expected guitar.pdf, rank >10"))

        let broken = try file("bad.jsonl", #"{"id": "x", "question": "q"}"#)
        let bad = try CommandRunner.run(["eval", "--indexes", indexes, "--creator", "demo", "--questions", broken])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.jsonl:1: not a question object (missing field \"answer_doc\")"))
    }

    @Test func theGateRefusesAVersionThatFailsAndPublishesOneThatPasses() throws {
        let questions = try file("gate.jsonl", Self.questions)
        func pipeline(_ name: String, minimum: Double) throws -> String {
            try file(name + ".yml", """
                creator: gated
                sources: {paths: [\(demo)]}
                evaluation: {questions: \(questions), min_recall_at_5: \(minimum), max_regression: 0}
                """)
        }
        let pass = try CommandRunner.run(["ingest", "--indexes", indexes, "--pipeline", try pipeline("pass", minimum: 1), "--json"],
                                         currentDirectory: TestPaths.packageRoot, timeout: 300)
        #expect(pass.status == 0, "\(pass.stderr)")
        let passed = try #require(pass.jsonLines.first?["evaluation"] as? [String: Any])
        #expect(passed["passed"] as? Bool == true && passed["recall_at_5"] as? Double == 1)
        #expect(pass.jsonLines.first?["published"] as? String == "v000001.cidx")

        // Same sources, a question the material cannot answer: recall 2/3 < 1 — refused.
        let harder = try file("gate.jsonl", Self.questions + "\n" + #"{"id": "g", "question": "How do I tune a guitar?", "answer_doc": "guitar.pdf"}"#)
        _ = harder
        let refused = try CommandRunner.run(["ingest", "--indexes", indexes, "--pipeline", try pipeline("fail", minimum: 1), "--force"],
                                            currentDirectory: TestPaths.packageRoot, timeout: 300)
        #expect(refused.status == 4, "\(refused.stderr)")
        #expect(refused.stdout.contains("REFUSED: recall@5 0.750 is below the minimum 1.000"))
        #expect(refused.stdout.contains("miss  g: How do I tune a guitar?"))
        #expect(refused.stdout.contains("published: nothing"))
        let list = try CommandRunner.run(["index", "list", "--indexes", indexes, "--creator", "gated"])
        #expect(list.stdout.contains("* v000001.cidx") && !list.stdout.contains("v000002"))
    }
}
