import ArgumentParser
import Foundation
import Retrieval
import TestSupport
import Tokenization
import VectorIndex

/// `coachrag-bench retrieval`: what hybrid retrieval costs and what it buys.
///
/// - Latency: `HybridRetriever` dense-only vs hybrid (k 10, excerpts included and computed cold,
///   query embedding excluded: the query vector is given) on generated indexes of 1k and 30k chunks of ~700
///   words drawn Zipf-wise from the tokenizer's English words, each chunk with 8 passages.
/// - Size and build cost of the lexical sections: their share of the file, and the analyser
///   and writer time they add per chunk.
/// - Quality (unless `--no-quality`): the real `coachrag ingest` of `pipelines/dev.yml` and
///   `coachrag eval` of the development sets for dense, lexical and hybrid, follow-ups with and
///   without their context, and questions after an unrelated turn against the same alone.
struct RetrievalBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retrieval", abstract: "Hybrid retrieval: latency, index overhead, dev-set quality.")

    @Option(help: "Index sizes in chunks, comma-separated.") var sizes: String = "1000,30000"
    @Option(help: "Queries timed per size and method.") var queries: Int = 300
    @Option(help: "Words per generated chunk.") var words: Int = 700
    @Flag(help: "Skip the dev-set quality runs (ingest + eval).") var noQuality = false
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        let tokenizer = try WordPieceTokenizer.bundled()
        // No chunk-analysis cache: every query pays for its excerpts (the cold case).
        let retriever = HybridRetriever(tokenizer: tokenizer, cachedChunks: 0)
        let vocabulary = Self.words(tokenizer)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coachrag-retrieval-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var rows: [[String: Any]] = []
        for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
            let corpus = SyntheticCorpus(chunks: size, words: words, vocabulary: vocabulary, seed: 7)
            let built = try corpus.write(to: directory.appendingPathComponent("r\(size).cidx"), analyzer: retriever.analyzer)
            let index = try MappedIndex(url: built.url)
            var row: [String: Any] = ["chunks": size, "file_bytes": index.fileSize, "lexical_bytes": index.lexicalStatistics.bytes,
                                      "lexical_fraction": Double(index.lexicalStatistics.bytes) / Double(index.fileSize),
                                      "analyze_ms_per_chunk": built.analyzeSeconds * 1000 / Double(size),
                                      "write_lexical_ms_per_chunk": max(built.writeSeconds - built.writeWithoutLexicalSeconds, 0) * 1000 / Double(size),
                                      "terms": index.lexicalStatistics.terms, "postings": index.lexicalStatistics.postings]
            let questions = corpus.questions(queries)
            // Warm the mapping and the caches of both paths before timing either.
            for (text, vector) in questions.prefix(50) {
                for method in [RetrievalSettings.Method.dense, .hybrid] {
                    var settings = RetrievalSettings()
                    settings.method = method
                    _ = try await retriever.retrieve(ConversationQuery(question: text), in: index, k: 10, settings: settings, embed: { _ in vector })
                }
            }
            // Dense and hybrid alternate query by query, so drift on a shared machine hits both.
            var latencies: [RetrievalSettings.Method: [Double]] = [:]
            for (text, vector) in questions {
                for method in [RetrievalSettings.Method.dense, .hybrid] {
                    var settings = RetrievalSettings()
                    settings.method = method
                    let clock = ContinuousClock.now
                    _ = try await retriever.retrieve(ConversationQuery(question: text), in: index, k: 10, settings: settings, embed: { _ in vector })
                    latencies[method, default: []].append((ContinuousClock.now - clock).seconds * 1000)
                }
            }
            for (method, values) in latencies {
                let sorted = values.sorted()
                row["\(method.rawValue)_p50_ms"] = sorted[sorted.count / 2]
                row["\(method.rawValue)_p99_ms"] = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
            }
            row["hybrid_minus_dense_p50_ms"] = (row["hybrid_p50_ms"] as? Double ?? 0) - (row["dense_p50_ms"] as? Double ?? 0)
            rows.append(row)
        }
        var result: [String: Any] = ["results": rows]
        if !noQuality {
            for (key, value) in try quality(indexes: directory.appendingPathComponent("dev-indexes").path) { result[key] = value }
        }
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        } else {
            for row in rows {
                print(String(format: "retrieval  %d chunks: dense p50 %.2f ms p99 %.2f ms; hybrid p50 %.2f ms p99 %.2f ms; lexical sections %.1f%% of %d bytes",
                             row["chunks"] as? Int ?? 0, row["dense_p50_ms"] as? Double ?? 0, row["dense_p99_ms"] as? Double ?? 0,
                             row["hybrid_p50_ms"] as? Double ?? 0, row["hybrid_p99_ms"] as? Double ?? 0,
                             100 * (row["lexical_fraction"] as? Double ?? 0), row["file_bytes"] as? Int ?? 0))
            }
            for key in result.keys.sorted() where key != "results" { print("  \(key) \(result[key] ?? "")") }
        }
    }

    /// Alphabetic whole words of the vocabulary, three letters or more.
    static func words(_ tokenizer: WordPieceTokenizer) -> [String] {
        (1000..<tokenizer.vocabularySize).map { tokenizer.piece(for: Int32($0)) }
            .filter { $0.count >= 3 && $0.unicodeScalars.allSatisfy { $0.value >= 0x61 && $0.value <= 0x7A } }
    }

    /// Ingests the dev corpus with the `coachrag` next to this binary (`COACHRAG_BINARY`
    /// overrides) and evaluates it per method; flat figures.
    private func quality(indexes: String) throws -> [String: Any] {
        func run(_ arguments: [String]) throws -> [String: Any] {
            let outcome = try CommandRunner.run(arguments, timeout: 1800)
            guard outcome.status == 0, let object = outcome.jsonLines.first else {
                throw ValidationError("coachrag \(arguments.prefix(2).joined(separator: " ")) failed (exit \(outcome.status)): \(outcome.stderr.suffix(400))")
            }
            return object
        }
        _ = try run(["ingest", "--pipeline", "pipelines/dev.yml", "--indexes", indexes, "--no-cache", "--json"])
        var figures: [String: Any] = [:]
        func evaluate(_ file: String, _ extra: [String]) throws -> [String: Any] {
            try run(["eval", "--indexes", indexes, "--creator", "dev", "--questions", file, "--json"] + extra)
        }
        func top1(_ report: [String: Any], kind: String? = nil) -> Double {
            let byKind = report["by_kind"] as? [String: [String: Any]] ?? [:]
            let total = kind.map { byKind[$0]?["questions"] as? Int ?? 0 } ?? (report["questions"] as? Int ?? 0)
            let misses = (report["misses"] as? [[String: Any]] ?? []).filter { kind == nil || $0["kind"] as? String == kind }.count
            return total == 0 ? 0 : Double(total - misses) / Double(total)
        }
        for method in ["dense", "lexical", "hybrid"] {
            let single = try evaluate("corpora/dev-questions.jsonl", ["--method", method])
            figures["single_\(method)_top1"] = top1(single)
            figures["single_\(method)_recall_at_5"] = single["recall_at_k"]
            figures["single_\(method)_span_at_5"] = single["span_hit_at_k"]
            figures["single_\(method)_mrr_at_10"] = single["mrr_at_10"]
            figures["single_\(method)_page_accuracy"] = single["page_accuracy"]
            let conversations = try evaluate("corpora/dev-conversations.jsonl", ["--method", method])
            let byKind = conversations["by_kind"] as? [String: [String: Any]] ?? [:]
            figures["followup_\(method)_recall_at_5"] = byKind["followup"]?["recall_at_k"]
            figures["followup_\(method)_top1"] = top1(conversations, kind: "followup")
            figures["followup_\(method)_page_accuracy"] = byKind["followup"]?["page_accuracy"]
            figures["topic_switch_\(method)_top1"] = top1(conversations, kind: "topic_switch")
            if method == "hybrid" {
                let alone = try evaluate("corpora/dev-conversations.jsonl", ["--method", method, "--no-context"])
                let aloneKinds = alone["by_kind"] as? [String: [String: Any]] ?? [:]
                figures["followup_no_context_recall_at_5"] = aloneKinds["followup"]?["recall_at_k"]
                figures["topic_switch_alone_top1"] = top1(alone, kind: "topic_switch")
                figures["topic_switch_loss"] = max(top1(alone, kind: "topic_switch") - top1(conversations, kind: "topic_switch"), 0)
            }
        }
        return figures
    }
}

/// A generated index for the latency figures: Zipf-distributed words, clustered vectors,
/// eight passages per chunk, and questions made of a chunk's rarer words.
struct SyntheticCorpus {
    let chunks: Int
    let words: Int
    let vocabulary: [String]
    let seed: UInt64

    /// Passages per chunk, as 128-piece windows give a 1,000-token chunk.
    static let windows = 8

    struct Built { var url: URL; var analyzeSeconds: Double; var writeSeconds: Double; var writeWithoutLexicalSeconds: Double }

    func text(_ chunk: Int) -> String {
        var generator = SplitMix64(seed: seed &+ UInt64(chunk))
        var out: [String] = []
        out.reserveCapacity(words)
        for i in 0..<words {
            // Zipf-like: the square of a uniform number favours the head of the vocabulary.
            let u = Double(generator.next() % 1_000_000) / 1_000_000
            out.append(vocabulary[Int(u * u * Double(vocabulary.count - 1))])
            if i % 15 == 14 { out[out.count - 1] += "." }
        }
        return out.joined(separator: " ")
    }

    func write(to url: URL, analyzer: LexicalAnalyzer) throws -> Built {
        let space = ClusteredVectors(dimension: 384)
        let vectors = space.sample(count: chunks, seed: seed).map(ClusteredVectors.normalised)
        let windowVectors = space.sample(count: chunks * Self.windows, seed: seed + 1).map(ClusteredVectors.normalised)
        var records: [ChunkRecord] = [], windows: [[ChunkWindow]] = []
        var texts: [String] = []
        for chunk in 0..<chunks {
            let text = text(chunk)
            texts.append(text)
            let length = UInt32(text.unicodeScalars.count)
            records.append(ChunkRecord(documentIndex: UInt32(chunk / 10), pageStart: 1, pageEnd: 1, start: 0, end: UInt64(length), tokenCount: 1000, text: text))
            let n = UInt32(Self.windows)
            windows.append((0..<Self.windows).map { ChunkWindow(start: length * UInt32($0) / n, end: length * UInt32($0 + 1) / n, vector: windowVectors[chunk * Self.windows + $0]) })
        }
        var clock = ContinuousClock.now
        let terms = texts.map { analyzer.termFrequencies($0) }
        let analyzeSeconds = (ContinuousClock.now - clock).seconds
        let documents = (0..<((chunks + 9) / 10)).map { DocumentRecord(path: "doc\($0).pdf", size: 1, contentHash: [UInt8](repeating: 0, count: 32), pageCount: 1, pages: [PageStart(start: 0, number: 1)], title: "Document \($0)") }
        let builder = try HNSWBuilder(dimension: 384, configuration: .default, expectedCount: chunks)
        for vector in vectors { try builder.add(vector) }
        var contents = IndexContents(embedderDescriptor: [], sourceDigest: [UInt8](repeating: 0, count: 32), createdAt: 0, chunks: records, documents: documents, windows: windows)
        clock = ContinuousClock.now
        try IndexWriter.write(builder, contents: contents, to: url.deletingPathExtension().appendingPathExtension("dense.cidx"))
        let withoutLexical = (ContinuousClock.now - clock).seconds
        contents.lexical = LexicalContents(chunkTerms: terms)
        clock = ContinuousClock.now
        try IndexWriter.write(builder, contents: contents, to: url)
        return Built(url: url, analyzeSeconds: analyzeSeconds, writeSeconds: (ContinuousClock.now - clock).seconds, writeWithoutLexicalSeconds: withoutLexical)
    }

    /// Questions of six words from one chunk's second half of the vocabulary, with a vector.
    func questions(_ count: Int) -> [(String, [Float])] {
        let vectors = ClusteredVectors(dimension: 384).sample(count: count, seed: seed + 2).map(ClusteredVectors.normalised)
        return (0..<count).map { i in
            let words = text((i * 7919) % chunks).split(separator: " ")
            var generator = SplitMix64(seed: UInt64(i))
            let picked = (0..<6).map { _ in words[Int(generator.next() % UInt64(words.count))] }
            return ("How do " + picked.joined(separator: " ") + "?", vectors[i])
        }
    }
}
