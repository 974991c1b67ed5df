import Crypto
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
            let (size, hash) = Self.hash(file: path)
            return Entry(path: path, size: size, hash: hash)
        }
        var hasher = SHA256()
        hasher.update(data: Data("coachrag-sources-v1\n".utf8))
        hasher.update(data: Data(configurationFingerprint.utf8))
        hasher.update(data: [0])
        hasher.update(data: embedderDescriptor)
        for entry in entries {
            hasher.update(data: [0])
            hasher.update(data: Data(entry.path.utf8))
            hasher.update(data: [0])
            hasher.update(data: Data(String(entry.size).utf8))
            hasher.update(data: entry.hash)
        }
        digest = Array(hasher.finalize())
    }

    /// A file's size and SHA-256 (swift-crypto), read 1 MiB at a time so a large file is never
    /// held whole. An unreadable file hashes as empty; extraction then reports it by name.
    static func hash(file path: String) -> (size: UInt64, hash: [UInt8]) {
        var hasher = SHA256()
        var size: UInt64 = 0
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            while let block = try? handle.read(upToCount: 1 << 20), !block.isEmpty {
                hasher.update(data: block)
                size += UInt64(block.count)
            }
        }
        return (size, Array(hasher.finalize()))
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
