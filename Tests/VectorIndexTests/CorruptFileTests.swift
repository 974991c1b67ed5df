import Foundation
import Testing
import TestSupport
@testable import VectorIndex

/// Damaged files are clear errors, never crashes.
@Suite struct CorruptFileTests {
    let directory = TemporaryDirectory.make("vindex-corrupt")
    let original: Data
    let url: URL

    init() throws {
        url = directory.appendingPathComponent("good.cidx")
        _ = try IndexFixture.write(ClusteredVectors(dimension: 16).sample(count: 300, seed: 4), to: url)
        original = try Data(contentsOf: url)
    }

    private func damaged(_ name: String, _ edit: (inout Data) -> Void) throws -> URL {
        var data = original
        edit(&data)
        let target = directory.appendingPathComponent(name)
        try data.write(to: target)
        return target
    }

    private func openError(_ target: URL) -> IndexFileError? {
        do {
            _ = try MappedIndex(url: target)
            return nil
        } catch {
            return error
        }
    }

    @Test func badMagic() throws {
        let target = try damaged("magic.cidx") { $0[0] = UInt8(ascii: "X") }
        #expect(openError(target)?.code == .badMagic)
    }

    @Test func unknownMajorVersion() throws {
        let target = try damaged("version.cidx") { $0[8] = 9 }
        let error = openError(target)
        #expect(error?.code == .unsupportedVersion)
        #expect(error?.message.contains("format 9.1") == true)
    }

    @Test(arguments: [0, 50, 200, 2000])
    func truncated(keeping fraction: Int) throws {
        let target = try damaged("truncated-\(fraction).cidx") { $0 = $0.prefix(fraction == 0 ? 0 : $0.count * fraction / 10000 + 64) }
        let error = openError(target)
        #expect(error?.code == .truncated || error?.code == .corrupt || error?.code == .checksumMismatch, "\(String(describing: error))")
    }

    @Test func headerByteFlipIsCaughtOnOpen() throws {
        let target = try damaged("header.cidx") { $0[20] ^= 0x01 }
        #expect(openError(target) != nil)
    }

    @Test(arguments: SectionKind.allCases)
    func flippedByteInEachSectionFailsVerify(kind: SectionKind) throws {
        let index = try MappedIndex(url: url)
        let section = index.header.section(kind)
        try #require(section.length > 0, "\(kind) is empty in the fixture")
        let target = try damaged("flip-\(kind.rawValue).cidx") { $0[section.offset + section.length / 2] ^= 0x40 }
        let damagedIndex = try MappedIndex(url: target)  // the header is intact: opening works
        #expect {
            try damagedIndex.verify()
        } throws: { error in
            (error as? IndexFileError)?.code == .checksumMismatch && "\(error)".contains(kind.description)
        }
        // Searching a damaged file may give poor answers but never crashes.
        _ = try damagedIndex.search(ClusteredVectors(dimension: 16).sample(count: 1, seed: 8)[0], k: 5)
    }

    @Test func wildLinksNeverCrashASearch() throws {
        let index = try MappedIndex(url: url)
        let links = index.header.section(.baseLinks)
        let target = try damaged("links.cidx") { data in
            for offset in stride(from: links.offset, to: links.offset + links.length, by: 4) {
                data[offset] = 0xFF; data[offset + 1] = 0xFF; data[offset + 2] = 0xFF; data[offset + 3] = 0x7F
            }
        }
        let wild = try MappedIndex(url: target)
        _ = try wild.search(ClusteredVectors(dimension: 16).sample(count: 1, seed: 8)[0], k: 5)
        #expect(throws: IndexFileError.self) { try wild.verify() }
    }

    @Test func missingFile() {
        #expect(openError(directory.appendingPathComponent("absent.cidx"))?.code == .notFound)
    }
}
