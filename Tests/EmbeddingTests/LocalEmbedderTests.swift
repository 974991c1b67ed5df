import Foundation
import Testing
import TestSupport
import Tokenization
@testable import Embedding

/// Reference sentence embeddings from sentence-transformers (see Fixtures/README.md).
struct EmbeddingCase: Decodable, Sendable, CustomTestStringConvertible {
    var text: String
    var category: String
    var word_pieces: Int
    var embedding: [Float]
    var testDescription: String { "\(category): \(text.prefix(30).debugDescription)" }

    static let all: [EmbeddingCase] = load("minilm_embeddings")

    static func load<T: Decodable>(_ name: String) -> [T] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }
}

struct SimilarityCase: Decodable, Sendable {
    var a: String
    var b: String
    var kind: String
    var cosine: Float
}

/// One model for the whole suite: loading copies ~90 MB of weights.
enum SharedModel {
    static let embedder: LocalEmbedder? = try? LocalEmbedder(tokenizer: WordPieceTokenizer.bundled())
}

func cosine(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
}

@Suite struct LocalEmbedderTests {
    let embedder: LocalEmbedder

    init() throws {
        embedder = try #require(SharedModel.embedder, "model missing: run scripts/setup.sh")
    }

    @Test func fixturesAreLoaded() {
        #expect(EmbeddingCase.all.count == 60)
    }

    /// Every reference vector, within 1e-4 per component (sentence-transformers truncates to
    /// 254 pieces; so does the `.truncate` policy).
    @Test func reproducesSentenceTransformers() {
        let texts = EmbeddingCase.all.map(\.text)
        let vectors = embedder.embed(texts, policy: .truncate)
        var worst: Float = 0
        for (reference, vector) in zip(EmbeddingCase.all, vectors) {
            let error = zip(reference.embedding, vector).map { abs($0 - $1) }.max() ?? 1
            worst = max(worst, error)
            #expect(error <= 1e-4, "\(reference.testDescription): max |Δ| = \(error)")
        }
        print("minilm fixtures: max |Δ| per component = \(worst)")
    }

    @Test func similarityPairs() {
        let pairs: [SimilarityCase] = EmbeddingCase.load("minilm_similarity")
        #expect(pairs.count == 21)
        for pair in pairs {
            let vectors = embedder.embed([pair.a, pair.b], policy: .truncate)
            let value = cosine(vectors[0], vectors[1])
            #expect(abs(value - pair.cosine) <= 1e-3, "\(pair.kind): \(pair.a) / \(pair.b): \(value) vs \(pair.cosine)")
        }
    }

    @Test func batchingDoesNotChangeResults() {
        let texts = Array(EmbeddingCase.all.map(\.text).prefix(12))
        let batched = embedder.embed(texts, policy: .truncate)
        for (text, vector) in zip(texts, batched) {
            let single = embedder.embed([text], policy: .truncate)[0]
            #expect(zip(single, vector).map { abs($0 - $1) }.max() ?? 1 <= 1e-5)
        }
    }

    @Test func longInputsAreAveragedOverWindowsNotTruncated() throws {
        let long = try #require(EmbeddingCase.all.first { $0.word_pieces == 600 })
        let ids = try WordPieceTokenizer.bundled().tokenize(long.text).map(\.id)
        #expect(ids.count == 600)
        let windowed = embedder.embed(ids: [ids], policy: .windowAverage)[0]
        let windows = LocalEmbedder.windows(ids)
        #expect(windows.map(\.count) == [254, 254, 92])
        let parts = embedder.embed(ids: windows, policy: .truncate)
        var expected = [Float](repeating: 0, count: 384)
        for (window, vector) in zip(windows, parts) {
            for c in 0..<384 { expected[c] += Float(window.count) * vector[c] }
        }
        expected = LocalEmbedder.normalised(expected)
        #expect(zip(expected, windowed).map { abs($0 - $1) }.max() ?? 1 <= 1e-5)
        let truncated = embedder.embed(ids: [ids], policy: .truncate)[0]
        #expect(cosine(truncated, windowed) < 0.9999, "windowing must differ from truncation")
        #expect(abs(windowed.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
    }

    @Test func protocolEntryPointsAreNormalisedAndOrdered() async throws {
        let vectors = try await embedder.embed(documents: ["sleep", "protein", "sleep"])
        #expect(vectors.count == 3 && vectors.allSatisfy { $0.count == 384 })
        // The same text in two rows of one batch: equal up to BLAS's row-tile rounding.
        #expect(zip(vectors[0], vectors[2]).map { abs($0 - $1) }.max() ?? 1 <= 1e-6)
        let query = try await embedder.embed(query: "sleep")
        #expect(zip(query, vectors[0]).map { abs($0 - $1) }.max() ?? 1 <= 1e-6)
        #expect(embedder.descriptor == EmbedderDescriptor(provider: .local, model: "all-MiniLM-L6-v2", dimension: 384, documentPrefix: "", queryPrefix: "", normalized: true))
    }

    @Test func concurrentUseIsSafe() async throws {
        let embedder = self.embedder
        let reference = embedder.embed(["hydration and sleep"], policy: .truncate)[0]
        let results = await withTaskGroup(of: [Float].self) { group in
            for _ in 0..<4 { group.addTask { embedder.embed(["hydration and sleep"], policy: .truncate)[0] } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { zip($0, reference).map { abs($0 - $1) }.max() ?? 1 <= 1e-6 })
    }
}

@Suite struct LocalEmbedderErrorTests {
    @Test func missingModelNamesTheSetupCommand() throws {
        let empty = TemporaryDirectory.make("no-model")
        #expect {
            try LocalEmbedder(modelDirectory: empty, tokenizer: WordPieceTokenizer.bundled())
        } throws: { error in
            "\(error)".contains("scripts/setup.sh") && "\(error)".contains(empty.path)
        }
    }

    @Test func malformedSafetensorsAreRefused() throws {
        let directory = TemporaryDirectory.make("bad-model")
        try Data([0x10, 0, 0, 0, 0, 0, 0, 0] + Array("{not json".utf8)).write(to: directory.appendingPathComponent("model.safetensors"))
        #expect {
            try LocalEmbedder(modelDirectory: directory, tokenizer: WordPieceTokenizer.bundled())
        } throws: { error in
            if case .malformedModel = error as? EmbeddingError { return true }
            return false
        }
    }
}
