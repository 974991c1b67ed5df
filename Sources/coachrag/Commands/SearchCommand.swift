import ArgumentParser
import Embedding
import Foundation
import VectorIndex

/// `coachrag search --creator ID TEXT`: the passages of the live index closest to a question.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search a creator's live index.",
        discussion: """
            The question is embedded with the embedder the index records (its descriptor), so an \
            index is never queried with a different model. --vector searches with a raw vector \
            instead (comma-separated floats). With --json prints
              {"hits": [{"score", "document", "page_start", "page_end", "start", "end", "text"}]}
            Exit status: 0 success; 1 the index cannot be read; 2 usage error; 3 the embedder is \
            unreachable or does not match the index.
            """
    )

    @OptionGroup var index: IndexOptions

    @Option(name: .short, help: "Number of hits.")
    var k: Int = 10

    @Option(help: "HNSW candidate list size (default: the index's efSearch).")
    var ef: Int?

    @Flag(help: "Exact search over every vector (the default up to 4,096 vectors) instead of HNSW.")
    var exact = false

    @Option(help: "Search with this vector (comma-separated floats) instead of embedding text.")
    var vector: String?

    @Option(help: "Ollama address for indexes built with Ollama (default: $OLLAMA_HOST).")
    var ollamaHost: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Argument(help: "The question.")
    var text: [String] = []

    func validate() throws {
        guard k >= 1 else { throw ValidationError("-k must be at least 1") }
        if let ef, ef < 1 { throw ValidationError("--ef must be at least 1") }
        guard (vector != nil) != !text.isEmpty else { throw ValidationError("give either a question or --vector") }
    }

    func run() async throws {
        let mapped: MappedIndex
        do {
            mapped = try index.store.openCurrent(creator: index.creator)
        } catch { throw error.exit() }

        let query: [Float]
        if let vector {
            let values = vector.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard values.allSatisfy({ $0 != nil }) else { throw ValidationError("--vector must be comma-separated numbers") }
            query = values.compactMap { $0 }
        } else {
            query = try await embedQuery(text.joined(separator: " "), index: mapped)
        }

        let hits: [SearchHit]
        do {
            if exact {
                hits = try mapped.exactSearch(query, k: k)
            } else if ef != nil {
                hits = try mapped.search(query, k: k, ef: ef)
            } else {
                hits = try mapped.nearest(query, k: k)
            }
        } catch { throw error.exit() }
        var lines: [HitLine] = []
        for hit in hits {
            do {
                let chunk = try mapped.chunk(at: hit.slot)
                let document = try mapped.document(at: Int(chunk.documentIndex))
                lines.append(HitLine(score: hit.score, document: document.path, chunk: chunk))
            } catch { throw error.exit() }
        }
        if json {
            Output.jsonLine(["hits": lines])
        } else if lines.isEmpty {
            Output.standardOutput("no hits")
        } else {
            for (rank, line) in lines.enumerated() {
                let pages = line.page_start.map { start in line.page_end.map { $0 == start ? " p.\(start)" : " pp.\(start)–\($0)" } ?? "" } ?? ""
                let excerpt = line.text.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(160)
                Output.standardOutput("\(rank + 1). [\(String(format: "%.3f", line.score))] \(line.document)\(pages)\n   \(excerpt)\(line.text.count > 160 ? "…" : "")")
            }
        }
    }

    /// Embeds with the embedder the index was built with; a mismatch is exit 3.
    private func embedQuery(_ question: String, index: MappedIndex) async throws -> [Float] {
        let recorded: EmbedderDescriptor
        do {
            recorded = try EmbedderDescriptor(canonicalJSON: index.header.embedderDescriptor)
        } catch {
            Output.error("\(index.url.path) records no usable embedder descriptor; search it with --vector")
            throw ExitCode(ExitStatus.embedderUnavailable)
        }
        let embedder = try await EmbedderOptions.matching(recorded, ollamaHost: ollamaHost)
        do {
            return try await embedder.embed(query: question)
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.embedderUnavailable)
        }
    }
}

/// One hit of `search --json`.
struct HitLine: Encodable {
    var score: Float
    var document: String
    var page_start: Int?
    var page_end: Int?
    var start: UInt64
    var end: UInt64
    var text: String

    init(score: Float, document: String, chunk: ChunkRecord) {
        self.score = score
        self.document = document
        page_start = chunk.pageStart == 0 ? nil : Int(chunk.pageStart)
        page_end = chunk.pageEnd == 0 ? nil : Int(chunk.pageEnd)
        start = chunk.start
        end = chunk.end
        text = chunk.text
    }

    enum CodingKeys: String, CodingKey { case score, document, page_start, page_end, start, end, text }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(score, forKey: .score)
        try container.encode(document, forKey: .document)
        try container.encode(page_start, forKey: .page_start)
        try container.encode(page_end, forKey: .page_end)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
        try container.encode(text, forKey: .text)
    }
}
