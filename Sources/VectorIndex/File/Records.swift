/// What an index stores beside each vector: the chunk it came from. Opaque to the index (it
/// never interprets text or pages), fixed in shape so it can be read straight from the mapping.
public struct ChunkRecord: Sendable, Hashable, Codable {
    /// Row of the document in the document table.
    public var documentIndex: UInt32
    /// Page span, 1-based; 0 when the document has no pages.
    public var pageStart: UInt32
    public var pageEnd: UInt32
    /// Character span `[start, end)` in Unicode scalars of the document's extracted text.
    public var start: UInt64
    public var end: UInt64
    public var tokenCount: UInt32
    public var text: String

    public init(documentIndex: UInt32, pageStart: UInt32, pageEnd: UInt32, start: UInt64, end: UInt64, tokenCount: UInt32, text: String) {
        self.documentIndex = documentIndex
        self.pageStart = pageStart
        self.pageEnd = pageEnd
        self.start = start
        self.end = end
        self.tokenCount = tokenCount
        self.text = text
    }
}

/// One source document; the table doubles as the source manifest (path, size, content hash).
public struct DocumentRecord: Sendable, Hashable, Codable {
    public var path: String
    public var size: UInt64
    /// SHA-256 (or any 32-byte digest) of the file's bytes.
    public var contentHash: [UInt8]
    public var pageCount: UInt32
    /// Where each page begins in the document's text (format 1.1; empty when read from a 1.0
    /// file or for documents without pages).
    public var pages: [PageStart]
    /// The document's title as ingest saw it (format 1.1; empty from a 1.0 file).
    public var title: String

    public init(path: String, size: UInt64, contentHash: [UInt8], pageCount: UInt32, pages: [PageStart] = [], title: String = "") {
        self.path = path
        self.size = size
        self.contentHash = contentHash
        self.pageCount = pageCount
        self.pages = pages
        self.title = title
    }

    /// The number of the page holding Unicode-scalar `offset` of the document's text, if known.
    public func page(at offset: Int) -> Int? {
        var low = 0, high = pages.count - 1, found: Int?
        while low <= high {
            let mid = (low + high) / 2
            if Int(pages[mid].start) <= offset { found = mid; low = mid + 1 } else { high = mid - 1 }
        }
        guard let found, pages[found].number > 0 else { return nil }
        return Int(pages[found].number)
    }
}

/// Where one page of a document begins: a Unicode-scalar offset in the document's text and the
/// page's number (0 when the format has no page numbers).
public struct PageStart: Sendable, Hashable, Codable {
    public var start: UInt32
    public var number: UInt32
    public init(start: UInt32, number: UInt32) {
        self.start = start
        self.number = number
    }
}

/// One embedded passage of a chunk: its span in Unicode scalars of the chunk's text and its vector.
public struct ChunkWindow: Sendable, Hashable {
    public var start: UInt32
    public var end: UInt32
    public var vector: [Float]
    public init(start: UInt32, end: UInt32, vector: [Float]) {
        self.start = start
        self.end = end
        self.vector = vector
    }
}

/// The lexical (BM25) index an index file carries, as the writer receives it: each chunk's
/// terms with their frequencies. The terms are opaque here (the Retrieval layer's analyser makes
/// them); the writer sorts them into a dictionary with postings.
public struct LexicalContents: Sendable {
    public var k1: Float
    public var b: Float
    /// One per chunk, in slot order: term → frequency in the chunk.
    public var chunkTerms: [[String: Int]]

    public init(k1: Float = 1.2, b: Float = 0.75, chunkTerms: [[String: Int]]) {
        self.k1 = k1
        self.b = b
        self.chunkTerms = chunkTerms
    }
}

/// Everything an index file holds besides the graph.
public struct IndexContents: Sendable {
    /// The embedder descriptor, as canonical JSON (sorted keys); recorded, compared, never parsed here.
    public var embedderDescriptor: [UInt8]
    /// Digest of the sources and configuration that produced the index (32 bytes).
    public var sourceDigest: [UInt8]
    /// Seconds since 1970; pass `SOURCE_DATE_EPOCH` for reproducible files.
    public var createdAt: Int64
    /// One per vector, in slot order.
    public var chunks: [ChunkRecord]
    public var documents: [DocumentRecord]
    /// nil: the file gets an empty lexical index (every lexical search finds nothing).
    public var lexical: LexicalContents?
    /// Each chunk's embedded passages, in slot order (nil: none).
    public var windows: [[ChunkWindow]]?

    public init(embedderDescriptor: [UInt8], sourceDigest: [UInt8], createdAt: Int64, chunks: [ChunkRecord], documents: [DocumentRecord], lexical: LexicalContents? = nil, windows: [[ChunkWindow]]? = nil) {
        self.embedderDescriptor = embedderDescriptor
        self.sourceDigest = sourceDigest
        self.createdAt = createdAt
        self.chunks = chunks
        self.documents = documents
        self.lexical = lexical
        self.windows = windows
    }

    /// `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
    public static func creationTime(environment: [String: String]) -> Int64 {
        if let value = environment["SOURCE_DATE_EPOCH"], let seconds = Int64(value) { return seconds }
        return Int64(Date.now.timeIntervalSince1970)
    }
}

import Foundation
