public import Foundation
import CBLAS
import Synchronization

/// A read-only, memory-mapped index file, searched in place: vectors and links are never copied
/// to the heap, so opening any size takes the time of one `mmap` and a header check. Immutable
/// and `Sendable`; each search borrows its own scratch from a small pool. The mapping is
/// released when the last reference goes away, so a reader that holds an old version keeps it
/// valid after a newer one is published.
public final class MappedIndex: @unchecked Sendable {
    public let url: URL
    public let header: IndexHeader
    let base: UnsafeRawPointer
    private let length: Int
    private let graph: GraphView
    let averageChunkLength: Float
    private let scratchPool = Mutex<[SearchScratch]>([])

    /// Maps `url` and checks its header (magic, major version, section bounds and sizes).
    /// Section checksums are checked by `verify()`, which reads the whole file.
    public init(url: URL) throws(IndexFileError) {
        self.url = url
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw IndexFileError(errno == ENOENT ? .notFound : .io, "cannot open index \(url.path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw IndexFileError(.io, "cannot stat \(url.path)") }
        let length = Int(info.st_size)
        guard length > 0 else { throw IndexFileError(.truncated, "\(url.path) is empty; the file is truncated or not an index") }
        guard let mapped = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw IndexFileError(.io, "cannot map \(url.path): \(String(cString: strerror(errno)))")
        }
        let base = UnsafeRawPointer(mapped)
        let header: IndexHeader
        do {
            header = try IndexHeader.read(UnsafeRawBufferPointer(start: base, count: length), path: url.path)
        } catch {
            munmap(mapped, length)
            throw error
        }
        self.header = header
        self.base = base
        self.length = length
        func pointer<T>(_ kind: SectionKind, _ type: T.Type) -> UnsafePointer<T> {
            (base + header.section(kind).offset).assumingMemoryBound(to: T.self)
        }
        averageChunkLength = Self.averageChunkLength(base: base, header: header)
        graph = GraphView(
            vectors: pointer(.vectors, Float.self), level0: pointer(.baseLinks, UInt32.self),
            nodes: pointer(.nodes, UInt32.self), upper: pointer(.upperLinks, UInt32.self),
            upperCount: header.section(.upperLinks).length / 4, count: header.count, dimension: header.dimension,
            connectivity: header.configuration.connectivity, baseConnectivity: header.configuration.baseConnectivity
        )
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), length)
    }

    public var count: Int { header.count }
    public var dimension: Int { header.dimension }
    public var fileSize: Int { length }

    // MARK: Search

    /// Approximate k nearest neighbours by inner product (HNSW), best first. `ef` defaults to
    /// the file's efSearch; it is raised to `k` if smaller.
    public func search(_ query: [Float], k: Int, ef: Int? = nil) throws(IndexFileError) -> [SearchHit] {
        try checkQuery(query)
        let scratch = takeScratch()
        defer { returnScratch(scratch) }
        return query.withUnsafeBufferPointer { query in
            guard let base = query.baseAddress else { return [] }
            return GraphSearch.search(graph, query: base, k: k, ef: ef ?? header.configuration.expansionSearch, entryPoint: header.entryPoint, maxLevel: header.maxLevel, scratch: scratch)
        }
    }

    /// Up to this many vectors exact search (blocked `sgemv`) is at least as fast as HNSW at
    /// ef 64, and exact. Measured on one core here (`coachrag-bench ann`): 2,048 × 384 exact
    /// 29,900 q/s vs HNSW 17,500; 4,096 × 768 exact 9,800 vs 8,900; 8,192 × 384 exact 7,600 vs 11,100.
    public static let exactSearchThreshold = 4096

    /// The search to use by default: exact for small indexes, HNSW otherwise.
    public func nearest(_ query: [Float], k: Int, ef: Int? = nil) throws(IndexFileError) -> [SearchHit] {
        count <= Self.exactSearchThreshold ? try exactSearch(query, k: k) : try search(query, k: k, ef: ef)
    }

    /// Exact k nearest neighbours: every vector scored with BLAS `sgemv`, in blocks.
    public func exactSearch(_ query: [Float], k: Int) throws(IndexFileError) -> [SearchHit] {
        try checkQuery(query)
        return query.withUnsafeBufferPointer { query in
            guard let queryBase = query.baseAddress else { return [] }
            return ExactSearch.topK(vectors: graph.vectors, count: count, dimension: dimension, query: queryBase, k: k)
        }
    }

    private func checkQuery(_ query: [Float]) throws(IndexFileError) {
        guard query.count == dimension else {
            throw IndexFileError(.dimensionMismatch, "the query has \(query.count) dimensions, the index \(url.lastPathComponent) has \(dimension)")
        }
    }

    private func takeScratch() -> SearchScratch {
        scratchPool.withLock { $0.popLast() } ?? SearchScratch(capacity: count)
    }

    private func returnScratch(_ scratch: SearchScratch) {
        scratchPool.withLock { if $0.count < 8 { $0.append(scratch) } }
    }

    /// The inner product of `query` with the stored vector of each slot (0 for an out-of-range
    /// slot): the dense score of chunks found by another retriever.
    public func scores(_ query: [Float], slots: [UInt32]) throws(IndexFileError) -> [Float] {
        try checkQuery(query)
        return query.withUnsafeBufferPointer { query in
            guard let base = query.baseAddress else { return slots.map { _ in 0 } }
            return slots.map { Int($0) < count ? innerProduct(base, graph.vector($0), dimension) : 0 }
        }
    }

    /// The stored vector of `slot` (a copy).
    public func vector(at slot: UInt32) -> [Float] {
        guard Int(slot) < count else { return [] }
        return Array(UnsafeBufferPointer(start: graph.vector(slot), count: dimension))
    }

    // MARK: Records

    /// The chunk stored with vector `slot`.
    public func chunk(at slot: UInt32) throws(IndexFileError) -> ChunkRecord {
        guard Int(slot) < count else { throw IndexFileError(.corrupt, "slot \(slot) is out of range (\(count) vectors)") }
        let record = base + header.section(.chunks).offset + Int(slot) * IndexFormat.chunkRecordSize
        func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: record.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: record.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        return ChunkRecord(
            documentIndex: u32(0), pageStart: u32(4), pageEnd: u32(8), start: u64(16), end: u64(24),
            tokenCount: u32(12), text: try text(offset: u64(32), length: u64(40))
        )
    }

    /// Row `index` of the document table.
    public func document(at index: Int) throws(IndexFileError) -> DocumentRecord {
        guard index >= 0, index < header.documentCount else { throw IndexFileError(.corrupt, "document \(index) is out of range (\(header.documentCount) documents)") }
        let record = base + header.section(.documents).offset + index * IndexFormat.documentRecordSize
        let pathOffset = UInt64(littleEndian: record.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let pathLength = UInt32(littleEndian: record.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let pageCount = UInt32(littleEndian: record.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        let size = UInt64(littleEndian: record.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let hash = Array(UnsafeRawBufferPointer(start: record + 24, count: 32))
        let pageRows = UInt64(littleEndian: record.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
        var title = ""
        if header.formatMinor >= 1 {
            let entry = base + header.section(.titles).offset + index * 16
            title = try text(offset: UInt64(littleEndian: entry.loadUnaligned(as: UInt64.self)),
                             length: UInt64(littleEndian: entry.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        return DocumentRecord(path: try text(offset: pathOffset, length: UInt64(pathLength)), size: size, contentHash: hash, pageCount: pageCount,
                              pages: try pages(first: Int(pageRows & 0xFFFF_FFFF), count: Int(pageRows >> 32)), title: title)
    }

    private func pages(first: Int, count: Int) throws(IndexFileError) -> [PageStart] {
        guard header.formatMinor >= 1, count > 0 else { return [] }
        let section = header.section(.pageMap)
        guard first <= section.length / IndexFormat.pageEntrySize, count <= section.length / IndexFormat.pageEntrySize - first else {
            throw IndexFileError(.corrupt, "\(url.path): a document's pages point outside the page map")
        }
        let rows = base + section.offset + first * IndexFormat.pageEntrySize
        return (0..<count).map { row in
            PageStart(start: UInt32(littleEndian: rows.loadUnaligned(fromByteOffset: row * 8, as: UInt32.self)),
                      number: UInt32(littleEndian: rows.loadUnaligned(fromByteOffset: row * 8 + 4, as: UInt32.self)))
        }
    }

    public var documents: [DocumentRecord] {
        get throws(IndexFileError) {
            var result: [DocumentRecord] = []
            for index in 0..<header.documentCount { result.append(try document(at: index)) }
            return result
        }
    }

    private func text(offset: UInt64, length: UInt64) throws(IndexFileError) -> String {
        let section = header.section(.text)
        guard offset <= UInt64(section.length), length <= UInt64(section.length) - offset else {
            throw IndexFileError(.corrupt, "\(url.path): a text reference points outside the text section")
        }
        return String(decoding: UnsafeRawBufferPointer(start: base + section.offset + Int(offset), count: Int(length)), as: UTF8.self)
    }

    // MARK: Verification

    /// Reads every section and compares its checksum, then checks every link is in range.
    public func verify() throws(IndexFileError) {
        for section in header.sections {
            let actual = Checksum.of(UnsafeRawBufferPointer(start: base + section.offset, count: section.length))
            guard actual == section.checksum else {
                throw IndexFileError(.checksumMismatch, "\(url.path): the \(section.kind) section fails its checksum; the file is corrupt")
            }
        }
        for slot in 0..<UInt32(count) {
            for level in 0...graph.level(of: slot) {
                let (links, degree) = graph.links(of: slot, at: level)
                for i in 0..<degree where Int(links[i]) >= count {
                    throw IndexFileError(.corrupt, "\(url.path): node \(slot) links to \(links[i]) at level \(level), beyond \(count) vectors")
                }
            }
        }
        try verifyLexicalIndex()
        try verifyWindows()
        for index in 0..<header.documentCount { _ = try document(at: index) }
    }
}
