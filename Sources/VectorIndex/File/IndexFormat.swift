/// Index file format, version 1.1 (1.0 files, without the lexical and page-map sections, are
/// still read). Little-endian throughout.
///
/// ```
/// 0    magic "CRAGHNSW"          8   major u16, minor u16     12  header length u32
/// 16   dimension u32             20  count u32                24  metric u8 (1 = inner product)
/// 25   element type u8 (1 = f32) 26  flags u16                28  M u32
/// 32   M0 u32                    36  efConstruction u32       40  ef u32
/// 44   entry point u32           48  max level i32            52  section count u32
/// 56   seed u64                  64  created at i64           72  source digest [32]
/// 104  descriptor length u32     108 document count u32       112 header checksum u64
/// 120  BM25 k1 f32 (1.1)         124 BM25 b f32 (1.1)
/// 128  section table: count × {kind u32, 0 u32, offset u64, length u64, checksum u64}
/// ...  embedder descriptor (UTF-8 JSON), padded to 64
/// then the sections, each 64-byte aligned, in the order of `SectionKind`.
/// ```
/// Format 1.1 adds nine sections (a 1.0 file has the first seven):
/// - term dictionary: one 16-byte entry per term, sorted by the term's UTF-8 bytes:
///   {term text offset u32, term length u32, first posting u32, document frequency u32};
/// - term text: the terms' UTF-8 bytes;
/// - postings: u32 each, `chunk << 8 | min(tf, 255)`, grouped by term, ascending chunk;
/// - chunk lengths: u32 per chunk, its number of terms (BM25's document length);
/// - page map: 8 bytes per page, {start offset u32 (Unicode scalars in the document's text),
///   page number u32 (0: none)}; a document record's last field (0 in 1.0 files) holds its
///   page rows: the first row in the low 32 bits, the number of rows in the high 32;
/// - document titles: 16 bytes per document, {offset u64, length u64} into the text section;
/// - window index: u32 × (count + 1), chunk c's windows are rows `[index[c], index[c+1])`;
/// - window spans: 8 bytes per window, {start u32, end u32} in Unicode scalars of its chunk's text;
/// - window vectors: dimension × f32 per window (the chunk's vector is their weighted mean).
/// The header checksum covers the header bytes with that field zeroed; every section has its own.
enum IndexFormat {
    static let magic: [UInt8] = Array("CRAGHNSW".utf8)
    static let major: UInt16 = 1
    static let minor: UInt16 = 1
    static let termEntrySize = 16
    /// The widest vectors a file may hold (the largest embedders today have 4,096).
    static let maxDimension = 65_536
    static let pageEntrySize = 8
    /// Postings pack the chunk into the upper 24 bits.
    static let maxLexicalChunks = 1 << 24
    static let fixedHeaderSize = 128
    static let sectionEntrySize = 32
    static let alignment = 64
    static let headerChecksumOffset = 112
    static let chunkRecordSize = 48
    static let documentRecordSize = 64

    static func aligned(_ value: Int) -> Int { (value + alignment - 1) / alignment * alignment }
}

/// The sections of an index file, in file order.
public enum SectionKind: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case vectors = 1
    case baseLinks = 2
    case nodes = 3
    case upperLinks = 4
    case chunks = 5
    case documents = 6
    case text = 7
    case terms = 8
    case termText = 9
    case postings = 10
    case chunkLengths = 11
    case pageMap = 12
    case titles = 13
    case windowIndex = 14
    case windowSpans = 15
    case windowVectors = 16

    /// The sections a file of format `1.minor` has, in file order.
    static func present(minor: UInt16) -> [SectionKind] {
        minor >= 1 ? allCases : allCases.filter { $0.rawValue <= SectionKind.text.rawValue }
    }

    public var description: String {
        switch self {
        case .vectors: "vectors"
        case .baseLinks: "level-0 links"
        case .nodes: "node levels"
        case .upperLinks: "upper-level links"
        case .chunks: "chunk records"
        case .documents: "document table"
        case .text: "text"
        case .terms: "term dictionary"
        case .termText: "term text"
        case .postings: "postings"
        case .chunkLengths: "chunk lengths"
        case .pageMap: "page map"
        case .titles: "document titles"
        case .windowIndex: "window index"
        case .windowSpans: "window spans"
        case .windowVectors: "window vectors"
        }
    }
}

/// Where one section lives in the file.
public struct SectionInfo: Sendable, Hashable {
    public var kind: SectionKind
    public var offset: Int
    public var length: Int
    public var checksum: UInt64
}

/// A fast 64-bit checksum over 8-byte words (multiply-xorshift), good at catching flipped or
/// truncated bytes; not a cryptographic hash.
enum Checksum {
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        let words = bytes.count / 8
        for i in 0..<words {
            let word = bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            hash = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 32
        }
        for i in (words * 8)..<bytes.count {
            hash = (hash ^ UInt64(bytes[i])) &* 0x1000_0000_01B3
        }
        return hash ^ (hash >> 29)
    }
}
