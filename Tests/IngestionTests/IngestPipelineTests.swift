import Documents
import Embedding
import Foundation
import Testing
import TestSupport
import Tokenization
import VectorIndex
@testable import Ingestion
import Pipelines

/// The pipeline end to end in-process, with the real local embedder (and FakeOllama).
@Suite(.serialized) struct IngestPipelineTests {
    static let embedder: LocalEmbedder? = try? LocalEmbedder(modelDirectory: TestPaths.models.appendingPathComponent("all-MiniLM-L6-v2"), tokenizer: WordPieceTokenizer.bundled())
    let root = TemporaryDirectory.make("ingest")
    let demo = TestPaths.corpora.appendingPathComponent("demo").path

    private func pipeline(_ creator: String, sources: [String], embedder: (any Embedder)? = nil, cache: Bool = true, edit: (inout IngestPipeline.Options) -> Void = { _ in }) throws -> IngestPipeline {
        var options = IngestPipeline.Options()
        if cache { options.cache = try EmbeddingCache(url: root.appendingPathComponent("cache.sqlite")) }
        options.environment["SOURCE_DATE_EPOCH"] = "1767225600"
        edit(&options)
        let embedder = try embedder ?? #require(Self.embedder, "model missing: run scripts/setup.sh")
        return IngestPipeline(configuration: PipelineConfiguration(creator: creator, sources: sources), store: IndexStore(root: root.appendingPathComponent("indexes")), embedder: embedder, extractor: DocumentExtractor(), options: options)
    }

    @Test func demoCorpusAnswersItsQuestions() async throws {
        let report = try await pipeline("demo", sources: [demo]).run()
        #expect(report.published == "v000001.cidx")
        #expect(report.files.failed.isEmpty)
        #expect(report.files.ok == 12 && report.chunks >= 12)
        let index = try IndexStore(root: root.appendingPathComponent("indexes")).openCurrent(creator: "demo")
        struct Question: Decodable { var question: String; var expected: String }
        let questions = try JSONDecoder().decode([Question].self, from: Data(contentsOf: TestPaths.corpora.appendingPathComponent("demo-questions.json")))
        let embedder = try #require(Self.embedder)
        for question in questions {
            let hit = try #require(try index.search(try await embedder.embed(query: question.question), k: 1).first)
            let document = try index.document(at: Int(try index.chunk(at: hit.slot).documentIndex))
            #expect(document.path.hasSuffix(question.expected), "\(question.question) → \(document.path)")
        }
    }

    @Test func secondRunComputesNothingAndChangingOneFileReembedsOnlyIt() async throws {
        let corpus = root.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for name in ["habits.txt", "hydration.txt", "recovery.txt"] {
            try FileManager.default.copyItem(atPath: demo + "/" + name, toPath: corpus.appendingPathComponent(name).path)
        }
        let first = try await pipeline("inc", sources: [corpus.path]).run()
        #expect(first.embeddings.computed == 3 && first.embeddings.reused == 0)
        let unchanged = try await pipeline("inc", sources: [corpus.path]).run()
        #expect(unchanged.upToDate && unchanged.published == nil)
        let forced = try await pipeline("inc", sources: [corpus.path]) { $0.force = true }.run()
        #expect(forced.embeddings.computed == 0 && forced.embeddings.reused == 3 && forced.published == "v000002.cidx")
        try "Hydration, rewritten: drink water.".write(to: corpus.appendingPathComponent("hydration.txt"), atomically: true, encoding: .utf8)
        let check = try pipeline("inc", sources: [corpus.path]).check()
        #expect(!check.upToDate && check.differences == ["changed  \(corpus.path)/hydration.txt"])
        let changed = try await pipeline("inc", sources: [corpus.path]).run()
        #expect(changed.embeddings.computed == 1 && changed.embeddings.reused == 2)
        #expect(try pipeline("inc", sources: [corpus.path]).check().upToDate)
    }

    @Test func reproducibleWithSourceDateEpoch() async throws {
        let a = try await pipeline("repro-a", sources: [demo], cache: false).run()
        let b = try await pipeline("repro-b", sources: [demo], cache: false).run()
        let store = IndexStore(root: root.appendingPathComponent("indexes"))
        let fileA = try Data(contentsOf: store.currentURL(creator: "repro-a")), fileB = try Data(contentsOf: store.currentURL(creator: "repro-b"))
        #expect(a.published != nil && b.published != nil)
        #expect(fileA == fileB)
    }

    @Test func hostileFilesAreReportedAndTheRestPublished() async throws {
        let hostile = TestPaths.corpora.appendingPathComponent("hostile")
        let sources = [demo + "/habits.txt", hostile.appendingPathComponent("encrypted.pdf").path, hostile.appendingPathComponent("zip-bomb.docx").path, hostile.appendingPathComponent("binary.txt").path]
        let report = try await pipeline("mixed", sources: sources).run()
        #expect(report.published != nil)
        #expect(report.files.ok == 1)
        #expect(report.files.failed.map(\.code).sorted() == ["binary_content", "encrypted_pdf", "zip_bomb"])
        let strict = try await pipeline("mixed-strict", sources: sources) { $0.failOnError = true }.run()
        #expect(strict.published == nil)
        #expect(try IndexStore(root: root.appendingPathComponent("indexes")).currentName(creator: "mixed-strict") == nil)
    }

    @Test func ollamaBatchesAndUnreachableOllamaPublishesNothing() async throws {
        let server = try FakeOllama()
        var configuration = OllamaConfiguration(endpoint: try OllamaEndpoint(parsing: server.host))
        configuration.batchSize = 2
        configuration.retry = RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.01, budget: 2)
        let ollama = try await OllamaEmbedder.connect(configuration: configuration, tokenizer: WordPieceTokenizer.bundled())
        let sources = [demo + "/habits.txt", demo + "/hydration.txt", demo + "/recovery.txt"]
        let report = try await pipeline("via-ollama", sources: sources, embedder: ollama) { $0.embedBatch = 3 }.run()
        #expect(report.published == "v000001.cidx" && report.embeddings.computed == 3)
        let sent = server.requests.filter { $0.path == "/api/embed" }.dropFirst().compactMap { $0.json?["input"] as? [String] }
        // Every passage (window) of the three chunks, at most two per request.
        #expect(sent.allSatisfy { (1...2).contains($0.count) } && sent.joined().count >= 3)
        #expect(sent.joined().allSatisfy { $0.hasPrefix("search_document: ") })
        let index = try IndexStore(root: root.appendingPathComponent("indexes")).openCurrent(creator: "via-ollama")
        #expect(index.dimension == 768)
        #expect(String(decoding: index.header.embedderDescriptor, as: UTF8.self).contains("\"digest\":\"0a109f42"))

        server.behaviour.dropConnections = 1000
        await #expect {
            try await pipeline("via-ollama-down", sources: sources, embedder: ollama, cache: false).run()
        } throws: { error in
            if case .embedder = error as? IngestError { return true }
            return false
        }
        #expect(try IndexStore(root: root.appendingPathComponent("indexes")).currentName(creator: "via-ollama-down") == nil)
    }

    @Test func aNameThatLiesAboutItsContentIsWarnedOrRefused() async throws {
        let hostile = TestPaths.corpora.appendingPathComponent("hostile")
        let report = try await pipeline("names", sources: [hostile.appendingPathComponent("docx-named.pdf").path, hostile.appendingPathComponent("error-page.docx").path]).run()
        #expect(report.files.ok == 1)
        #expect(report.files.failed.map(\.code) == ["content_mismatch"])
        #expect(report.files.failed.first?.path.hasSuffix("error-page.docx") == true)
        #expect(report.files.warnings.count == 1 && report.files.warnings[0].message == "is named .pdf but is a DOCX; read as its content says")
    }

    @Test func aSecondIngestOfTheSameCreatorIsRefused() throws {
        let directory = root.appendingPathComponent("indexes/locked")
        let held = try IngestLock(directory: directory, creator: "locked")
        #expect {
            try IngestLock(directory: directory, creator: "locked")
        } throws: { error in
            "\(error)".contains("another ingest or index command of creator locked is running (pid \(getpid())")
        }
        withExtendedLifetime(held) {}
    }
}
