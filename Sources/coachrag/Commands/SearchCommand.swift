import ArgumentParser
import Foundation
import Retrieval
import VectorIndex

/// `coachrag search --creator ID TEXT`: the passages of the live index that best answer a
/// question, through the one retrieval path (`HybridRetriever`).
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search a creator's live index.",
        discussion: """
            Hybrid (BM25 + dense, fused) by default; --method dense|lexical for one side. The \
            question is embedded with the embedder the index records (its descriptor), so an index \
            is never queried with a different model. --context gives earlier user turns of a \
            conversation (oldest first) for a follow-up question. --vector searches with a raw \
            vector instead (dense only). With --json prints
              {"method", "query", "confidence", "hits": [{"score", "document", "page_start", "page_end", \
            "start", "end", "text", "dense": {"score", "rank"}, "lexical": {"score", "rank"}, \
            "excerpt": {"text", "start", "end", "page_start", "page_end"}}]}
            Exit status: 0 success; 1 the index cannot be read; 2 usage error; 3 the embedder is \
            unreachable or does not match the index.
            """
    )

    @OptionGroup var index: IndexOptions
    @OptionGroup var retrieval: RetrievalOptions

    @Option(name: .short, help: "Number of hits.")
    var k: Int = 10

    @Option(help: "An earlier user turn of the conversation (repeatable, oldest first).")
    var context: [String] = []

    @Option(help: "Search with this vector (comma-separated floats) instead of embedding text.")
    var vector: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Argument(help: "The question.")
    var text: [String] = []

    func validate() throws {
        guard k >= 1, k <= 1000 else { throw ValidationError("-k must be between 1 and 1000") }
        guard (vector != nil) != !text.isEmpty else { throw ValidationError("give either a question or --vector") }
    }

    func run() async throws {
        let mapped: MappedIndex
        do {
            mapped = try index.store.openCurrent(creator: index.creator)
        } catch { throw error.exit() }

        var settings = try retrieval.settings()
        let embed: QueryEmbedding
        let question: String
        if let vector {
            let values = vector.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard values.allSatisfy({ $0 != nil }) else { throw ValidationError("--vector must be comma-separated numbers") }
            let query = values.compactMap { $0 }
            embed = { @Sendable _ in query }
            settings.method = .dense
            question = "(vector)"
        } else {
            question = text.joined(separator: " ")
            embed = try await retrieval.queryEmbedding(for: mapped, method: settings.method)
        }
        let result: RetrievalResult
        do {
            result = try await RetrievalOptions.retriever().retrieve(
                ConversationQuery(question: question, context: context.map { Turn(role: .user, content: $0) }),
                in: mapped, k: k, ef: retrieval.ef, settings: settings, embed: embed)
        } catch let error as IndexFileError {
            throw error.exit()
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.embedderUnavailable)
        }
        if json {
            Output.jsonLine(SearchOutput(result))
        } else if result.hits.isEmpty {
            Output.standardOutput("no hits")
        } else {
            if result.method != settings.method { Output.standardError("note: \(mapped.url.lastPathComponent) has no lexical index (format 1.0, or no terms): searched dense-only") }
            if result.usedContext { Output.standardError("query: \(result.query.split(whereSeparator: \.isNewline).joined(separator: " | "))") }
            for (rank, hit) in result.hits.enumerated() {
                let pages = Self.pages(hit.excerpt.pageStart, hit.excerpt.pageEnd)
                let components = [hit.dense.map { String(format: "dense %.3f", $0.score) }, hit.lexical.map { String(format: "bm25 %.2f", $0.score) }].compactMap { $0 }.joined(separator: ", ")
                Output.standardOutput("\(rank + 1). [\(String(format: "%.3f", hit.score))] \(hit.document.path)\(pages)  (\(components))\n   \(hit.excerpt.text)")
            }
        }
    }

    static func pages(_ start: Int?, _ end: Int?) -> String {
        guard let start else { return "" }
        return (end ?? start) == start ? " p. \(start)" : " pp. \(start)–\(end ?? start)"
    }
}

/// `search --json`.
struct SearchOutput: Encodable {
    struct Component: Encodable { var score: Float; var rank: Int? }
    struct Hit: Encodable {
        var score: Float
        var document: String
        var page_start: Int?
        var page_end: Int?
        var start: UInt64
        var end: UInt64
        var text: String
        var dense: Component?
        var lexical: Component?
        var excerpt: Excerpt

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(score, forKey: .score)
            try container.encode(document, forKey: .document)
            try container.encode(page_start, forKey: .page_start)
            try container.encode(page_end, forKey: .page_end)
            try container.encode(start, forKey: .start)
            try container.encode(end, forKey: .end)
            try container.encode(text, forKey: .text)
            try container.encode(dense, forKey: .dense)
            try container.encode(lexical, forKey: .lexical)
            try container.encode(excerpt, forKey: .excerpt)
        }
        enum CodingKeys: String, CodingKey { case score, document, page_start, page_end, start, end, text, dense, lexical, excerpt }
    }
    var method: String
    var query: String
    var confidence: Double
    var hits: [Hit]

    init(_ result: RetrievalResult) {
        method = result.method.rawValue
        query = result.query
        confidence = result.confidence
        hits = result.hits.map { hit in
            Hit(score: hit.score, document: hit.document.path,
                page_start: hit.chunk.pageStart == 0 ? nil : Int(hit.chunk.pageStart), page_end: hit.chunk.pageEnd == 0 ? nil : Int(hit.chunk.pageEnd),
                start: hit.chunk.start, end: hit.chunk.end, text: hit.chunk.text,
                dense: hit.dense.map { Component(score: $0.score, rank: $0.rank) }, lexical: hit.lexical.map { Component(score: $0.score, rank: $0.rank) },
                excerpt: hit.excerpt)
        }
    }
}
