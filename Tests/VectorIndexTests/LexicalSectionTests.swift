import Foundation
import Testing
import TestSupport
@testable import VectorIndex

/// The lexical sections and the page map of format 1.1, and reading format 1.0 files.
@Suite struct LexicalSectionTests {
    let directory = TemporaryDirectory.make("vindex-lexical")

    /// Four chunks of three documents; chunk 3 says "price" three times.
    func contents(count: Int = 4) -> IndexContents {
        var contents = IndexFixture.contents(count: count)
        let terms: [[String: Int]] = [
            ["sleep": 2, "adult": 1, "hour": 1],
            ["sleep": 1, "teenager": 1, "hour": 2],
            ["price": 1, "180": 1, "club": 1],
            ["price": 3, "club": 1],
        ]
        contents.lexical = LexicalContents(chunkTerms: (0..<count).map { terms[$0 % terms.count] })
        contents.documents[0].pages = [PageStart(start: 0, number: 1), PageStart(start: 15, number: 2), PageStart(start: 40, number: 3)]
        return contents
    }

    func write(_ name: String, _ contents: IndexContents) throws -> URL {
        let url = directory.appendingPathComponent(name)
        let builder = try IndexFixture.build(ClusteredVectors(dimension: 8).sample(count: contents.chunks.count, seed: 1))
        try IndexWriter.write(builder, contents: contents, to: url)
        return url
    }

    @Test func bm25RanksByTermFrequencyRarityAndLength() throws {
        let index = try MappedIndex(url: write("a.cidx", contents()))
        #expect(index.header.hasLexicalIndex)
        #expect(index.header.bm25K1 == 1.2 && index.header.bm25B == 0.75)
        #expect(try index.lexicalSearch([WeightedTerm("price")], k: 10).map(\.slot) == [3, 2])
        // "180" is rarer than "price": the chunk that has it wins a query with both.
        #expect(try index.lexicalSearch([WeightedTerm("price"), WeightedTerm("180")], k: 10).first?.slot == 2)
        #expect(try index.lexicalSearch([WeightedTerm("teenager")], k: 10).map(\.slot) == [1])
        #expect(try index.lexicalSearch([WeightedTerm("absent")], k: 10).isEmpty)
        #expect(try index.lexicalSearch([WeightedTerm("sleep"), WeightedTerm("price")], k: 1).count == 1)
        // A lower weight lowers the score proportionally.
        let full = try index.lexicalSearch([WeightedTerm("club")], k: 1)[0].score
        let half = try index.lexicalSearch([WeightedTerm("club", weight: 0.5)], k: 1)[0].score
        #expect(abs(half - full / 2) < 1e-5)
        #expect(try index.documentFrequency(of: "hour") == 2)
        #expect(index.lexicalStatistics.terms == 7)
        try index.verify()
    }

    @Test func pageMapRoundTrips() throws {
        let index = try MappedIndex(url: write("pages.cidx", contents()))
        let document = try index.document(at: 0)
        #expect(document.pages.count == 3)
        #expect(document.page(at: 0) == 1)
        #expect(document.page(at: 16) == 2)
        #expect(document.page(at: 1000) == 3)
        #expect(try index.document(at: 1).pages.count == 2)
    }

    @Test func bytesAreDeterministic() throws {
        let first = try Data(contentsOf: write("d1.cidx", contents(count: 40)))
        let second = try Data(contentsOf: write("d2.cidx", contents(count: 40)))
        #expect(first == second)
    }

    @Test func formatOneZeroFilesOpenAndSearchDenseOnly() throws {
        let url = try write("new.cidx", contents())
        let old = directory.appendingPathComponent("old.cidx")
        try FormatOneZero.rewrite(url, to: old)
        let index = try MappedIndex(url: old)
        #expect(index.header.formatMinor == 0)
        #expect(!index.header.hasLexicalIndex)
        #expect(try index.lexicalSearch([WeightedTerm("price")], k: 10).isEmpty)
        #expect(try index.document(at: 0).pages.isEmpty)
        #expect(try index.exactSearch(index.vector(at: 2), k: 1).first?.slot == 2)
        try index.verify()
    }

    @Test func postingsOutOfRangeFailVerification() throws {
        let url = try write("bad.cidx", contents())
        let header = try MappedIndex(url: url).header
        var data = try Data(contentsOf: url)
        let postings = header.section(.postings)
        // Point the first posting at chunk 200 and fix the section checksum, so only the
        // structural check can catch it.
        let value = UInt32(200 << 8 | 1).littleEndian
        withUnsafeBytes(of: value) { data.replaceSubrange(postings.offset..<(postings.offset + 4), with: $0) }
        FormatOneZero.fixChecksum(of: .postings, in: &data, header: header)
        try data.write(to: url)
        let index = try MappedIndex(url: url)
        #expect(throws: IndexFileError.self) { try index.verify() }
        #expect(throws: IndexFileError.self) { try index.lexicalSearch([WeightedTerm(firstTerm(index))], k: 5) }
    }

    private func firstTerm(_ index: MappedIndex) -> String {
        let text = index.header.section(.termText), entry = index.header.section(.terms)
        return index.base.withMemoryRebound(to: UInt8.self, capacity: text.offset + text.length) { bytes in
            let length = Int(UnsafeRawPointer(bytes + entry.offset + 4).loadUnaligned(as: UInt32.self))
            return String(decoding: UnsafeBufferPointer(start: bytes + text.offset, count: length), as: UTF8.self)
        }
    }
}

/// Headers crafted to make the size checks overflow are refused, never trusted or trapped on.
@Suite struct CraftedHeaderTests {
    let directory = TemporaryDirectory.make("vindex-crafted")

    @Test(arguments: [(UInt32.max, UInt32(384)), (UInt32(1000), UInt32.max), (UInt32.max, UInt32(65_536)), (UInt32(1_000_000), UInt32(0))])
    func overflowingCountsAndDimensionsAreCorrupt(count: UInt32, dimension: UInt32) throws {
        let source = directory.appendingPathComponent("good.cidx")
        let contents = IndexFixture.contents(count: 4)
        try IndexWriter.write(try IndexFixture.build(ClusteredVectors(dimension: 8).sample(count: 4, seed: 1)), contents: contents, to: source)
        let header = try MappedIndex(url: source).header
        var bytes = [UInt8](try Data(contentsOf: source))
        func put<T: FixedWidthInteger>(_ value: T, _ offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { for (i, b) in $0.enumerated() { bytes[offset + i] = b } }
        }
        put(dimension, 16)
        put(count, 20)
        put(UInt64(0), IndexFormat.headerChecksumOffset)
        put(bytes[0..<header.headerLength].withUnsafeBytes { Checksum.of($0) }, IndexFormat.headerChecksumOffset)
        let crafted = directory.appendingPathComponent("crafted-\(count)-\(dimension).cidx")
        try Data(bytes).write(to: crafted)
        #expect { try MappedIndex(url: crafted) } throws: { error in (error as? IndexFileError)?.code == .corrupt }
    }
}

/// Rewrites a 1.1 file as the 1.0 writer laid it out: the same sections minus the five new
/// ones, a seven-entry section table, minor version 0, no BM25 fields.
enum FormatOneZero {
    static func rewrite(_ source: URL, to target: URL) throws {
        let data = try Data(contentsOf: source)
        let header = try MappedIndex(url: source).header
        var bytes = [UInt8](data)
        func put<T: FixedWidthInteger>(_ value: T, _ offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { for (i, b) in $0.enumerated() { bytes[offset + i] = b } }
        }
        put(UInt16(0), 10)
        put(UInt32(7), 52)
        put(UInt64(0), 120)
        let tableEnd = IndexFormat.fixedHeaderSize + 7 * IndexFormat.sectionEntrySize
        let descriptor = header.embedderDescriptor
        for i in tableEnd..<header.headerLength { bytes[i] = 0 }
        for (i, b) in descriptor.enumerated() { bytes[tableEnd + i] = b }
        put(UInt64(0), IndexFormat.headerChecksumOffset)
        let checksum = bytes[0..<header.headerLength].withUnsafeBytes { Checksum.of($0) }
        put(checksum, IndexFormat.headerChecksumOffset)
        try Data(bytes).write(to: target)
    }

    static func fixChecksum(of kind: SectionKind, in data: inout Data, header: IndexHeader) {
        let section = header.section(kind)
        let checksum = data[section.offset..<(section.offset + section.length)].withUnsafeBytes { Checksum.of($0) }
        let entry = IndexFormat.fixedHeaderSize + (Int(kind.rawValue) - 1) * IndexFormat.sectionEntrySize + 24
        withUnsafeBytes(of: checksum.littleEndian) { data.replaceSubrange(entry..<(entry + 8), with: $0) }
        data.replaceSubrange(IndexFormat.headerChecksumOffset..<(IndexFormat.headerChecksumOffset + 8), with: [UInt8](repeating: 0, count: 8))
        let headerChecksum = data[0..<header.headerLength].withUnsafeBytes { Checksum.of($0) }
        withUnsafeBytes(of: headerChecksum.littleEndian) { data.replaceSubrange(IndexFormat.headerChecksumOffset..<(IndexFormat.headerChecksumOffset + 8), with: $0) }
    }
}

/// Embedded passages (windows) per chunk.
@Suite struct WindowSectionTests {
    let directory = TemporaryDirectory.make("vindex-windows")

    @Test func windowsRoundTripAndScore() throws {
        var contents = IndexFixture.contents(count: 3)
        let e = { (i: Int) -> [Float] in (0..<8).map { $0 == i ? 1 : 0 } }
        contents.windows = [[ChunkWindow(start: 0, end: 4, vector: e(0)), ChunkWindow(start: 4, end: 9, vector: e(1))], [], [ChunkWindow(start: 0, end: 9, vector: e(2))]]
        let url = directory.appendingPathComponent("w.cidx")
        try IndexWriter.write(try IndexFixture.build(ClusteredVectors(dimension: 8).sample(count: 3, seed: 3)), contents: contents, to: url)
        let index = try MappedIndex(url: url)
        let first = try index.windowScores(e(1), slot: 0)
        #expect(first.map(\.start) == [0, 4] && first.map(\.end) == [4, 9])
        #expect(first.map(\.score) == [0, 1])
        #expect(try index.windowScores(e(1), slot: 1).isEmpty)
        #expect(try index.windowScores(e(2), slot: 2).map(\.score) == [1])
        #expect(throws: IndexFileError.self) { try index.windowScores([1, 2], slot: 0) }
        try index.verify()
    }

    @Test func windowsOfTheWrongDimensionAreRefused() throws {
        var contents = IndexFixture.contents(count: 1)
        contents.windows = [[ChunkWindow(start: 0, end: 1, vector: [1, 2, 3])]]
        #expect(throws: IndexFileError.self) {
            try IndexWriter.write(try IndexFixture.build(ClusteredVectors(dimension: 8).sample(count: 1, seed: 3)), contents: contents, to: directory.appendingPathComponent("x.cidx"))
        }
    }
}
