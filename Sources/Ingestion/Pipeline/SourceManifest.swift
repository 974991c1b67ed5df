import Foundation
import VectorIndex

/// What the sources are right now: path, size and SHA-256 of each file, and the digest of the
/// whole (with the job configuration and the embedder), which the index records so an unchanged
/// corpus is recognised without parsing anything.
struct SourceManifest {
    struct Entry: Hashable {
        var path: String
        var size: UInt64
        var hash: [UInt8]
    }

    var entries: [Entry]
    var digest: [UInt8]

    init(files: [String], configurationFingerprint: String, embedderDescriptor: [UInt8]) {
        entries = files.map { path in
            let data = FileManager.default.contents(atPath: path) ?? Data()
            return Entry(path: path, size: UInt64(data.count), hash: SHA256.hash(data))
        }
        var hasher = SHA256()
        hasher.update("coachrag-sources-v1\n".utf8)
        hasher.update(configurationFingerprint.utf8)
        hasher.update([0])
        hasher.update(embedderDescriptor)
        for entry in entries {
            hasher.update([0])
            hasher.update(entry.path.utf8)
            hasher.update([0])
            hasher.update(String(entry.size).utf8)
            hasher.update(entry.hash)
        }
        digest = hasher.finalize()
    }

    /// Differences between these sources and the documents an index holds, for `--check`.
    func differences(from documents: [DocumentRecord]) -> [String] {
        let indexed = Dictionary(documents.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        for entry in entries {
            if let document = indexed[entry.path] {
                if document.contentHash != entry.hash { lines.append("changed  \(entry.path)") }
            } else {
                lines.append("added    \(entry.path)")
            }
        }
        let current = Set(entries.map(\.path))
        for document in documents where !current.contains(document.path) { lines.append("removed  \(document.path)") }
        return lines
    }
}
