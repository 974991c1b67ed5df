/// The fixed header of an index file, as read and checked on open.
public struct IndexHeader: Sendable, Hashable {
    public var formatMajor: UInt16
    public var formatMinor: UInt16
    public var dimension: Int
    public var count: Int
    public var metric: String
    public var elementType: String
    public var configuration: HNSWConfiguration
    public var entryPoint: UInt32
    public var maxLevel: Int
    public var createdAt: Int64
    public var sourceDigest: [UInt8]
    public var documentCount: Int
    public var embedderDescriptor: [UInt8]
    public var headerLength: Int
    public var sections: [SectionInfo]
    /// BM25 parameters of the lexical index (format 1.1; 0 in 1.0 files, which have none).
    public var bm25K1: Float
    public var bm25B: Float

    /// Reads and validates the header of `bytes` (the whole file), `path` naming it in errors.
    static func read(_ bytes: UnsafeRawBufferPointer, path: String) throws(IndexFileError) -> IndexHeader {
        func u16(_ o: Int) -> UInt16 { UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt16.self)) }
        func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        guard bytes.count >= IndexFormat.fixedHeaderSize else {
            throw IndexFileError(.truncated, "\(path) is \(bytes.count) bytes, shorter than an index header: the file is truncated or not an index")
        }
        guard Array(bytes[0..<8]) == IndexFormat.magic else {
            throw IndexFileError(.badMagic, "\(path) is not a coachrag index file (bad magic)")
        }
        let major = u16(8), minor = u16(10)
        guard major == IndexFormat.major else {
            throw IndexFileError(.unsupportedVersion, "\(path) has index format \(major).\(minor); this coachrag reads format \(IndexFormat.major).x — rebuild the index with `coachrag ingest`, or upgrade coachrag")
        }
        let headerLength = Int(u32(12)), sectionCount = Int(u32(52)), descriptorLength = Int(u32(104))
        let tableEnd = IndexFormat.fixedHeaderSize + sectionCount * IndexFormat.sectionEntrySize
        let kinds = SectionKind.present(minor: minor)
        guard sectionCount == kinds.count, headerLength >= tableEnd + descriptorLength, headerLength <= bytes.count else {
            throw IndexFileError(headerLength > bytes.count ? .truncated : .corrupt, "\(path) has an inconsistent header (length \(headerLength), \(sectionCount) sections)")
        }
        var headerCopy = Array(bytes[0..<headerLength])
        for i in 0..<8 { headerCopy[IndexFormat.headerChecksumOffset + i] = 0 }
        guard headerCopy.withUnsafeBytes({ Checksum.of($0) }) == u64(IndexFormat.headerChecksumOffset) else {
            throw IndexFileError(.checksumMismatch, "\(path): the header checksum does not match; the file is corrupt")
        }
        let dimension = Int(u32(16)), count = Int(u32(20))
        guard (1...IndexFormat.maxDimension).contains(dimension) else {
            throw IndexFileError(.corrupt, "\(path) claims \(dimension) dimensions (this coachrag reads 1 to \(IndexFormat.maxDimension))")
        }
        guard bytes[24] == 1, bytes[25] == 1 else {
            throw IndexFileError(.unsupportedVersion, "\(path) uses a metric or element type this coachrag does not know")
        }
        var configuration = HNSWConfiguration(connectivity: Int(u32(28)), expansionAdd: Int(u32(36)), expansionSearch: Int(u32(40)))
        configuration.baseConnectivity = Int(u32(32))
        configuration.seed = u64(56)
        do {
            try configuration.validate()
        } catch {
            throw IndexFileError(.corrupt, "\(path) has impossible HNSW parameters: \(error.message)")
        }

        var sections: [SectionInfo] = []
        for (index, kind) in kinds.enumerated() {
            let entry = IndexFormat.fixedHeaderSize + index * IndexFormat.sectionEntrySize
            guard u32(entry) == kind.rawValue else {
                throw IndexFileError(.corrupt, "\(path): section \(index) should be \(kind)")
            }
            let offset = u64(entry + 8), length = u64(entry + 16)
            guard offset % UInt64(IndexFormat.alignment) == 0, offset >= UInt64(headerLength),
                  offset <= UInt64(bytes.count), length <= UInt64(bytes.count) - offset else {
                throw IndexFileError(offset > UInt64(bytes.count) || length > UInt64(bytes.count) &- offset ? .truncated : .corrupt,
                                     "\(path): the \(kind) section lies outside the file (\(bytes.count) bytes); the file is truncated or corrupt")
            }
            sections.append(SectionInfo(kind: kind, offset: Int(offset), length: Int(length), checksum: u64(entry + 24)))
        }
        let documentCount = Int(u32(108))
        /// Sizes are products of header fields a crafted file controls: computed with overflow
        /// checks, so no product wraps or traps.
        func expect(_ kind: SectionKind, _ factors: Int...) throws(IndexFileError) {
            let actual = sections[Int(kind.rawValue) - 1].length
            var length = 1
            for factor in factors {
                let (product, overflow) = length.multipliedReportingOverflow(by: factor)
                guard !overflow else { throw IndexFileError(.corrupt, "\(path): the \(kind) section's size overflows (\(count) vectors of \(dimension) dimensions)") }
                length = product
            }
            guard actual == length else {
                throw IndexFileError(.corrupt, "\(path): the \(kind) section is \(actual) bytes, expected \(length) for \(count) vectors of \(dimension) dimensions")
            }
        }
        try expect(.vectors, count, dimension, 4)
        try expect(.baseLinks, count, 1 + configuration.baseConnectivity, 4)
        try expect(.nodes, count, 8)
        try expect(.chunks, count, IndexFormat.chunkRecordSize)
        try expect(.documents, documentCount, IndexFormat.documentRecordSize)
        var k1: Float = 0, b: Float = 0
        if minor >= 1 {
            try expect(.chunkLengths, count, 4)
            try expect(.titles, documentCount, 16)
            try expect(.windowIndex, count + 1, 4)
            let windows = sections[Int(SectionKind.windowSpans.rawValue) - 1].length / 8
            try expect(.windowSpans, windows, 8)
            try expect(.windowVectors, windows, dimension, 4)
            k1 = Float(bitPattern: u32(120))
            b = Float(bitPattern: u32(124))
            guard k1.isFinite, k1 >= 0, b.isFinite, b >= 0, b <= 1,
                  sections[Int(SectionKind.terms.rawValue) - 1].length % IndexFormat.termEntrySize == 0,
                  sections[Int(SectionKind.postings.rawValue) - 1].length % 4 == 0,
                  sections[Int(SectionKind.pageMap.rawValue) - 1].length % IndexFormat.pageEntrySize == 0 else {
                throw IndexFileError(.corrupt, "\(path) has an inconsistent lexical index (BM25 k1 \(k1), b \(b), or a section of impossible size)")
            }
        }
        let entryPoint = u32(44), maxLevel = Int(Int32(bitPattern: u32(48)))
        guard count == 0 || (Int(entryPoint) < count && maxLevel >= 0 && maxLevel < 64) else {
            throw IndexFileError(.corrupt, "\(path): entry point \(entryPoint) / max level \(maxLevel) are impossible for \(count) vectors")
        }
        return IndexHeader(
            formatMajor: major, formatMinor: minor, dimension: dimension, count: count,
            metric: "inner_product", elementType: "float32", configuration: configuration,
            entryPoint: entryPoint, maxLevel: maxLevel, createdAt: Int64(bitPattern: u64(64)),
            sourceDigest: Array(bytes[72..<104]), documentCount: documentCount,
            embedderDescriptor: Array(bytes[tableEnd..<(tableEnd + descriptorLength)]),
            headerLength: headerLength, sections: sections, bm25K1: k1, bm25B: b
        )
    }

    /// Where `kind` lies; a section the file's format does not have is empty.
    public func section(_ kind: SectionKind) -> SectionInfo {
        let index = Int(kind.rawValue) - 1
        return index < sections.count ? sections[index] : SectionInfo(kind: kind, offset: 0, length: 0, checksum: 0)
    }

    /// Whether the file carries a lexical index with at least one term (format 1.1 and later);
    /// other files search dense-only.
    public var hasLexicalIndex: Bool { formatMinor >= 1 && section(.terms).length > 0 }
}
