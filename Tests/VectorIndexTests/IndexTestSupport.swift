import Foundation
import TestSupport
@testable import VectorIndex

/// Builds small indexes for tests.
enum IndexFixture {
    static func chunk(_ i: Int) -> ChunkRecord {
        let start = UInt64(i) * 10
        return ChunkRecord(documentIndex: UInt32(i % 3), pageStart: 1, pageEnd: 2, start: start, end: start + 9, tokenCount: 5, text: "chunk \(i) café")
    }

    static func document(_ i: Int) -> DocumentRecord {
        let hash = [UInt8](repeating: UInt8(i), count: 32)
        return DocumentRecord(path: "docs/doc\(i).pdf", size: 1000, contentHash: hash, pageCount: 2,
                              pages: [PageStart(start: 0, number: 1), PageStart(start: 500, number: 2)])
    }

    /// With `dimension`, every chunk also gets two embedded windows.
    static func contents(count: Int, createdAt: Int64 = 1_767_225_600, dimension: Int? = nil) -> IndexContents {
        let chunks: [ChunkRecord] = (0..<count).map(chunk)
        let documents: [DocumentRecord] = (0..<3).map(document)
        let descriptor = Array(#"{"dimension":8,"model":"test","provider":"local"}"#.utf8)
        let terms = (0..<count).map { ["chunk": 1, String($0): 1, "cafe": 2] }
        return IndexContents(embedderDescriptor: descriptor, sourceDigest: [UInt8](repeating: 7, count: 32), createdAt: createdAt, chunks: chunks, documents: documents,
                             lexical: LexicalContents(chunkTerms: terms),
                             windows: dimension.map { d in (0..<count).map { i in
                                 [ChunkWindow(start: 0, end: 4, vector: (0..<d).map { Float(($0 + i) % 7) }), ChunkWindow(start: 4, end: 9, vector: (0..<d).map { Float(($0 * i) % 5) })]
                             } })
    }

    static func build(_ vectors: [[Float]], configuration: HNSWConfiguration = .default) throws -> HNSWBuilder {
        let builder = try HNSWBuilder(dimension: vectors.first?.count ?? 1, configuration: configuration, expectedCount: vectors.count)
        for vector in vectors { try builder.add(vector) }
        return builder
    }

    static func write(_ vectors: [[Float]], to url: URL, configuration: HNSWConfiguration = .default) throws -> HNSWBuilder {
        let builder = try build(vectors, configuration: configuration)
        try IndexWriter.write(builder, contents: contents(count: vectors.count, dimension: vectors.first?.count), to: url)
        return builder
    }
}
