import ArgumentParser
import Foundation
import Chunking
import Ingestion
import Documents
import Tokenization

/// `coachrag chunk FILE...`: token-accurate chunks per file, as JSON lines.
struct ChunkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chunk",
        abstract: "Cut documents into overlapping token windows, as JSON lines.",
        discussion: """
            Tokens are BERT uncased WordPiece pieces, the tokenizer of nomic-embed-text and \
            all-MiniLM-L6-v2. A chunk holds at most --max-tokens tokens, shares at least --overlap \
            tokens with the previous one (more only to avoid splitting a word), and never crosses \
            a document. Each chunk prints one line:
              {"path", "index", "text", "tokens", "start", "end", "page_start", "page_end"}
            where start/end are Unicode-scalar offsets into the extracted text (pages joined by \
            U+000C; see `coachrag parse`) and text is exactly that slice.
            A file that cannot be read prints {"path", "error": {"code", "message"}} and \
            `error: PATH: reason` on stderr.
            Exit status: 0 every file succeeded; 1 some file failed; 2 usage error.
            """
    )

    @Argument(help: "Files or directories to chunk.")
    var paths: [String]

    @Option(help: "Largest chunk, in tokens.")
    var maxTokens: Int = ChunkingConfiguration.default.maxTokens

    @Option(help: "Tokens shared with the previous chunk.")
    var overlap: Int = ChunkingConfiguration.default.overlap

    @Flag(help: "Print a per-file summary (pages, tokens, chunks) instead of the chunks.")
    var summary = false

    @OptionGroup var extraction: ExtractionOptions

    func validate() throws {
        do {
            try ChunkingConfiguration(maxTokens: maxTokens, overlap: overlap).validate()
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let chunker = try Chunker(configuration: ChunkingConfiguration(maxTokens: maxTokens, overlap: overlap))
        let tokenizer = try WordPieceTokenizer.bundled()
        let extractor = extraction.extractor()
        var failures = 0
        var totals = (files: 0, pages: 0, tokens: 0, chunks: 0)
        let started = ContinuousClock.now
        let inputs = InputFiles.expand(paths)
        for error in inputs.refused {
            failures += 1
            if !summary { Output.jsonLine(FailedFileLine(error)) }
            Output.error(error.description)
        }
        await forEachConcurrently(inputs.files, width: extraction.jobs) { path in
            await extractor.result(path: path).map { DocumentChunks(document: $0, tokenizer: tokenizer, chunker: chunker) }
        } emit: { path, result in
            switch result {
            case .success(let chunked):
                if summary {
                    let pages = chunked.document.pages.count
                    Output.standardOutput("\(path): \(chunked.document.format.rawValue), \(pages) page(s), \(chunked.tokenCount) tokens, \(chunked.chunks.count) chunk(s)")
                    totals = (totals.files + 1, totals.pages + pages, totals.tokens + chunked.tokenCount, totals.chunks + chunked.chunks.count)
                } else {
                    for chunk in chunked.chunks { Output.jsonLine(ChunkLine(path: path, chunk: chunk)) }
                }
            case .failure(let error):
                failures += 1
                if !summary { Output.jsonLine(FailedFileLine(error)) }
                Output.error(error.description)
            }
        }
        if summary {
            let elapsed = ContinuousClock.now - started
            Output.standardOutput("\(totals.files) file(s) ok, \(failures) failed: \(totals.pages) pages, \(totals.tokens) tokens, \(totals.chunks) chunks (max \(maxTokens) tokens, overlap \(overlap)) in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow)))")
        }
        if failures > 0 { throw ExitCode(ExitStatus.someInputFailed) }
    }
}

/// `{"path", "index", "text", "tokens", "start", "end", "page_start", "page_end"}`
struct ChunkLine: Encodable {
    var path: String
    var chunk: Chunk

    enum CodingKeys: String, CodingKey {
        case path, index, text, tokens, start, end, pageStart = "page_start", pageEnd = "page_end"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(chunk.index, forKey: .index)
        try container.encode(chunk.text, forKey: .text)
        try container.encode(chunk.tokenCount, forKey: .tokens)
        try container.encode(chunk.start, forKey: .start)
        try container.encode(chunk.end, forKey: .end)
        try container.encode(chunk.pageStart, forKey: .pageStart)
        try container.encode(chunk.pageEnd, forKey: .pageEnd)
    }
}
