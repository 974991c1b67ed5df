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

    public init(path: String, size: UInt64, contentHash: [UInt8], pageCount: UInt32) {
        self.path = path
        self.size = size
        self.contentHash = contentHash
        self.pageCount = pageCount
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

    public init(embedderDescriptor: [UInt8], sourceDigest: [UInt8], createdAt: Int64, chunks: [ChunkRecord], documents: [DocumentRecord]) {
        self.embedderDescriptor = embedderDescriptor
        self.sourceDigest = sourceDigest
        self.createdAt = createdAt
        self.chunks = chunks
        self.documents = documents
    }

    /// `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
    public static func creationTime(environment: [String: String]) -> Int64 {
        if let value = environment["SOURCE_DATE_EPOCH"], let seconds = Int64(value) { return seconds }
        return Int64(Date.now.timeIntervalSince1970)
    }
}

import Foundation
