import Foundation
import Testing
import TestSupport
@testable import Ingestion

/// Source hashes are swift-crypto's SHA-256 of the file, read in blocks.
@Suite struct SourceHashTests {
    @Test func aFileHashesToItsKnownDigestWhateverItsSize() throws {
        let directory = TemporaryDirectory.make("hash")
        defer { try? FileManager.default.removeItem(at: directory) }
        func digest(_ bytes: [UInt8]) throws -> String {
            let file = directory.appendingPathComponent("f")
            try Data(bytes).write(to: file)
            let (size, hash) = SourceManifest.hash(file: file.path)
            #expect(size == UInt64(bytes.count))
            return hash.map { String(format: "%02x", $0) }.joined()
        }
        #expect(try digest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try digest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Several read blocks: 3 MiB of "a" (checked with sha256sum).
        #expect(try digest([UInt8](repeating: UInt8(ascii: "a"), count: 3 << 20)) == "6f850bc94ae6f7de14297c01616c36d712d22864497b28a63b81d776b035e656")
    }
}
