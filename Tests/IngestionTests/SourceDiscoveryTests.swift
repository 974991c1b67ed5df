import Documents
import Foundation
import Testing
import TestSupport
import Ingestion

/// How sources become files: folders walked, links out of a folder refused.
@Suite struct SourceDiscoveryTests {
    let root = TemporaryDirectory.make("discovery")

    @Test func linksOutOfASourceFolderAreRefusedAndInsideOnesFollowed() throws {
        let folder = root.appendingPathComponent("material")
        let outside = root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try "inside".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try "secret".write(to: outside.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("passwd.txt").path, withDestinationPath: "/etc/passwd")
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("secret.txt").path, withDestinationPath: outside.appendingPathComponent("secret.txt").path)
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("sub/again.txt").path, withDestinationPath: "../notes.txt")
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("away").path, withDestinationPath: outside.path)

        let found = SourceDiscovery.files(sources: [folder.path], include: [], exclude: [])
        #expect(found.files.map { ($0 as NSString).lastPathComponent }.sorted() == ["again.txt", "notes.txt"])
        let refused = found.refused.map { ($0.path as NSString).lastPathComponent }
        #expect(refused.contains("passwd.txt") && refused.contains("secret.txt"))
        #expect(found.refused.allSatisfy { $0.code == .symlinkOutsideSource && $0.message.contains("outside the source folder") })
        #expect(!found.files.contains { $0.contains("away/") })
        // A file the user names directly is taken as named.
        #expect(SourceDiscovery.files(sources: [folder.appendingPathComponent("secret.txt").path], include: [], exclude: []).files.count == 1)
    }
}
