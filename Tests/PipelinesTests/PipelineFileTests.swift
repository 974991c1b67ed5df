import Foundation
import Testing
import TestSupport
import Pipelines
import Retrieval

@Suite struct PipelineFileTests {
    @Test func theDemoPipelineParses() throws {
        let configuration = try PipelineFile.load(TestPaths.packageRoot.appendingPathComponent("pipelines/demo.yml"))
        #expect(configuration.creator == "demo")
        #expect(configuration.sources == ["corpora/demo"])
        #expect(configuration.include == ["*.pdf", "*.docx", "*.txt"])
        #expect(configuration.chunking.maxTokens == 1000 && configuration.chunking.overlap == 200)
        #expect(configuration.embedder.provider == .local)
        #expect(configuration.index.connectivity == 16 && configuration.index.baseConnectivity == 32)
        #expect(configuration.persona?.contains("demo coach") == true)
    }

    @Test func retrievalAndEvaluationSectionsParse() throws {
        let configuration = try PipelineFile.load(TestPaths.packageRoot.appendingPathComponent("pipelines/dev.yml"))
        #expect(configuration.retrieval.method == .hybrid)
        #expect(configuration.evaluation?.questions.lastPathComponent == "dev-questions.jsonl")
        #expect(configuration.evaluation?.minimumRecallAt5 == 0.9 && configuration.evaluation?.maximumRegression == 0.02)
        let tuned = try PipelineFile.parse("""
            creator: a
            sources: [x]
            retrieval: {method: lexical, weight: 0.3, candidates: 20, passage_weight: 0, window_weight: 0.6, context_turns: 1, k: 6, min_confidence: 0.3}
            """, path: "p.yml")
        #expect(tuned.retrieval.method == .lexical && tuned.retrieval.denseWeight == 0.3 && tuned.retrieval.candidates == 20)
        #expect(tuned.retrieval.passageWeight == 0 && tuned.retrieval.windowWeight == 0.6 && tuned.retrieval.contextTurns == 1)
        // What only the server uses is read (and checked) by the same reader.
        #expect(tuned.answerPassages == 6 && tuned.minimumConfidence == 0.3)
        #expect(throws: PipelineFileError.self) { try PipelineFile.parse("creator: a\nsources: [x]\nretrieval: {k: 50}\n", path: "p.yml") }
        #expect(throws: PipelineFileError.self) { try PipelineFile.parse("creator: a\nsources: [x]\nregistration: maybe\n", path: "p.yml") }
        #expect(try PipelineFile.parse("creator: a\nsources: [x]\nregistration: closed\n", path: "p.yml").registration == "closed")
        // Every key the table lists is accepted.
        let all = RetrievalSettings.numericKeys.map { "\($0): 0" }.joined(separator: ", ")
        #expect(throws: PipelineFileError.self) { try PipelineFile.parse("creator: a\nsources: [x]\nretrieval: {\(all)}\n", path: "p.yml") }  // candidates 0 is out of range
        let valid = RetrievalSettings.numericKeys.map { "\($0): \($0 == "candidates" ? 1 : 0)" }.joined(separator: ", ")
        _ = try PipelineFile.parse("creator: a\nsources: [x]\nretrieval: {\(valid)}\n", path: "p.yml")
    }

    @Test func minimalFileUsesDefaults() throws {
        let configuration = try PipelineFile.parse("creator: anna\nsources: [docs]\n", path: "p.yml")
        #expect(configuration.sources == ["docs"])
        #expect(configuration.chunking == .default)
        #expect(configuration.retention == 5)
    }

    @Test(arguments: [
        ("creator: a\nsources: [x]\nchunking:\n  max_tokens: 100\n  overlapp: 10\n", "p.yml:5: unknown key 'chunking.overlapp'"),
        ("creator: a\nsources: [x]\ncolour: red\n", "p.yml:3: unknown key 'colour'"),
        ("creator: a\nsources: [x]\nchunking:\n  max_tokens: lots\n", "p.yml:4: 'chunking.max_tokens' must be an integer"),
        ("creator: a\nsources: [x]\nembedder:\n  provider: openai\n", "p.yml:4: embedder.provider must be local or ollama"),
        ("sources: [x]\n", "missing required key 'creator'"),
        ("creator: ../etc\nsources: [x]\n", "invalid creator id"),
        ("creator: a\nsources: [x]\nchunking: {max_tokens: 100, overlap: 100}\n", "overlap (100) must be smaller than max tokens (100)"),
        ("creator: [a\n", "not valid YAML"),
        ("creator: a\nsources: [x]\nretrieval:\n  method: fuzzy\n", "p.yml:4: retrieval.method must be hybrid, dense or lexical"),
        ("creator: a\nsources: [x]\nretrieval:\n  wieght: 0.5\n", "p.yml:4: unknown key 'retrieval.wieght'"),
        ("creator: a\nsources: [x]\nretrieval:\n  weight: heavy\n", "p.yml:4: 'retrieval.weight' must be a number"),
        ("creator: a\nsources: [x]\nretrieval: {weight: 2}\n", "retrieval weight must be between 0 and 1"),
        ("creator: a\nsources: [x]\nevaluation: {min_recall_at_5: 0.9}\n", "'evaluation' needs 'questions'"),
    ])
    func mistakesNameTheFileLineAndKey(yaml: String, expected: String) {
        #expect {
            try PipelineFile.parse(yaml, path: "p.yml")
        } throws: { error in
            let message = "\(error)"
            return message.contains(expected) && message.hasPrefix("p.yml")
        }
    }
}
