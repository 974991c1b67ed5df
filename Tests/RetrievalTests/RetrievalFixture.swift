import Foundation
import Retrieval
import TestSupport
import Tokenization
import VectorIndex

/// Small real index files for retrieval tests: chunks with hand-made vectors (so the dense side
/// is controlled) and lexical terms from the real analyser.
struct RetrievalFixture {
    struct Chunk {
        var text: String
        var vector: [Float]
        var document = 0
        var start = 0
    }

    static let tokenizer = try! WordPieceTokenizer.bundled()
    let analyzer = LexicalAnalyzer(tokenizer: RetrievalFixture.tokenizer)
    let directory = TemporaryDirectory.make("retrieval")

    func index(_ chunks: [Chunk], documents: [DocumentRecord], lexical: Bool = true) throws -> MappedIndex {
        let builder = try HNSWBuilder(dimension: chunks[0].vector.count, configuration: .default, expectedCount: chunks.count)
        for chunk in chunks { try builder.add(Self.normalised(chunk.vector)) }
        let records = chunks.map { chunk in
            let scalars = chunk.text.unicodeScalars.count
            let first = documents[chunk.document].page(at: chunk.start) ?? 0, last = documents[chunk.document].page(at: chunk.start + scalars - 1) ?? 0
            return ChunkRecord(documentIndex: UInt32(chunk.document), pageStart: UInt32(first), pageEnd: UInt32(last),
                               start: UInt64(chunk.start), end: UInt64(chunk.start + scalars), tokenCount: 10, text: chunk.text)
        }
        let contents = IndexContents(embedderDescriptor: Array(#"{"test":1}"#.utf8), sourceDigest: [UInt8](repeating: 1, count: 32), createdAt: 0,
                                     chunks: records, documents: documents,
                                     lexical: lexical ? LexicalContents(chunkTerms: chunks.map { analyzer.termFrequencies($0.text) }) : nil)
        let url = directory.appendingPathComponent(UUID().uuidString + ".cidx")
        try IndexWriter.write(builder, contents: contents, to: url)
        return try MappedIndex(url: url)
    }

    static func document(_ path: String, pages: [PageStart] = []) -> DocumentRecord {
        DocumentRecord(path: path, size: 1, contentHash: [UInt8](repeating: 0, count: 32), pageCount: UInt32(pages.count), pages: pages)
    }

    static func normalised(_ v: [Float]) -> [Float] {
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / n }
    }
}
