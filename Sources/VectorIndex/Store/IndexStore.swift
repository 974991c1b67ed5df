public import Foundation

/// One published index file of a creator.
public struct IndexVersion: Sendable, Hashable {
    /// File name, `vNNNNNN.cidx`.
    public var name: String
    public var generation: Int
    public var url: URL
    public var bytes: Int
    public var isCurrent: Bool
}

/// The versioned indexes of each creator under one root: `<root>/<creator>/vNNNNNN.cidx` files
/// (immutable once written) and a `CURRENT` file naming the live one.
///
/// Publishing writes the new version (temp file, fsync, rename), then replaces `CURRENT` the
/// same way and fsyncs the directory: a crash at any point leaves `CURRENT` naming a complete
/// version. Readers that mapped an older version keep it until they let go (unlinking a mapped
/// file does not invalidate the mapping).
public struct IndexStore: Sendable {
    public static let currentFileName = "CURRENT"
    public static let fileExtension = "cidx"
    public static let defaultRetention = 5

    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// A creator id is a slug (`[a-z0-9][a-z0-9_-]{0,63}`), never a path.
    public static func validateCreator(_ creator: String) throws(IndexFileError) {
        let scalars = Array(creator.unicodeScalars)
        func allowed(_ s: Unicode.Scalar, first: Bool) -> Bool {
            ("a"..."z").contains(s) || ("0"..."9").contains(s) || (!first && (s == "-" || s == "_"))
        }
        guard (1...64).contains(scalars.count), allowed(scalars[0], first: true), scalars.dropFirst().allSatisfy({ allowed($0, first: false) }) else {
            throw IndexFileError(.invalidCreator, "invalid creator id \(creator.debugDescription): use 1–64 lower-case letters, digits, '-' or '_', starting with a letter or digit")
        }
    }

    public func directory(for creator: String) throws(IndexFileError) -> URL {
        try Self.validateCreator(creator)
        return root.appendingPathComponent(creator, isDirectory: true)
    }

    static func generation(of name: String) -> Int? {
        guard name.hasPrefix("v"), name.hasSuffix("." + fileExtension) else { return nil }
        return Int(name.dropFirst().dropLast(fileExtension.count + 1))
    }

    static func name(for generation: Int) -> String {
        "v" + String(repeating: "0", count: max(0, 6 - String(generation).count)) + String(generation) + "." + fileExtension
    }

    /// The name `CURRENT` holds, or nil when nothing is published.
    public func currentName(creator: String) throws(IndexFileError) -> String? {
        let file = try directory(for: creator).appendingPathComponent(Self.currentFileName)
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        let name = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.generation(of: name) != nil else {
            throw IndexFileError(.corrupt, "\(file.path) does not name an index version (\(name.debugDescription))")
        }
        return name
    }

    /// The live version's file, or an error saying nothing is published.
    public func currentURL(creator: String) throws(IndexFileError) -> URL {
        guard let name = try currentName(creator: creator) else {
            throw IndexFileError(.noCurrentVersion, "creator \(creator) has no published index under \(root.path); run `coachrag ingest --creator \(creator) ...` first")
        }
        return try directory(for: creator).appendingPathComponent(name)
    }

    /// Opens the live version. If `CURRENT` moves on and the version it named is collected
    /// between reading the name and opening the file, reads `CURRENT` again.
    public func openCurrent(creator: String) throws(IndexFileError) -> MappedIndex {
        var attempt = 0
        while true {
            do {
                return try MappedIndex(url: try currentURL(creator: creator))
            } catch where error.code == .notFound && attempt < 3 {
                attempt += 1
            }
        }
    }

    /// All versions, oldest first.
    public func versions(creator: String) throws(IndexFileError) -> [IndexVersion] {
        let directory = try directory(for: creator)
        let current = try currentName(creator: creator)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> IndexVersion? in
            guard let generation = Self.generation(of: name) else { return nil }
            let url = directory.appendingPathComponent(name)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            return IndexVersion(name: name, generation: generation, url: url, bytes: bytes ?? 0, isCurrent: name == current)
        }.sorted { $0.generation < $1.generation }
    }

    /// Writes a new version with `write` (given the final URL; use `IndexWriter`, which writes
    /// atomically), points `CURRENT` at it, and removes versions beyond `retention`.
    @discardableResult
    public func publish(creator: String, retention: Int = defaultRetention, write: (URL) throws(IndexFileError) -> Void) throws(IndexFileError) -> IndexVersion {
        var version = try stage(creator: creator, write: write)
        try promote(version, creator: creator, retention: retention)
        version.isCurrent = true
        return version
    }

    /// The first half of `publish`: writes and verifies the next version without making it
    /// live, so it can be evaluated first. Follow with `promote` or `discard`.
    public func stage(creator: String, write: (URL) throws(IndexFileError) -> Void) throws(IndexFileError) -> IndexVersion {
        let directory = try directory(for: creator)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw IndexFileError(.io, "cannot create \(directory.path): \(error.localizedDescription)")
        }
        let next = (try versions(creator: creator).last?.generation ?? 0) + 1
        let name = Self.name(for: next)
        let url = directory.appendingPathComponent(name)
        try write(url)
        // Check what was written before anyone can be pointed at it.
        do {
            try MappedIndex(url: url).verify()
        } catch {
            unlink(url.path)
            throw error
        }
        return IndexVersion(name: name, generation: next, url: url, bytes: (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0, isCurrent: false)
    }

    /// Makes a staged version live and removes versions beyond `retention`.
    public func promote(_ version: IndexVersion, creator: String, retention: Int = defaultRetention) throws(IndexFileError) {
        try setCurrent(creator: creator, name: version.name)
        _ = try gc(creator: creator, retention: retention)
    }

    /// Removes a staged version that must not go live.
    public func discard(_ version: IndexVersion) {
        unlink(version.url.path)
    }

    /// Points `CURRENT` at an existing, valid version.
    public func rollback(creator: String, to name: String) throws(IndexFileError) {
        guard let version = try versions(creator: creator).first(where: { $0.name == name || String($0.generation) == name }) else {
            throw IndexFileError(.notFound, "creator \(creator) has no version \(name); see `coachrag index list --creator \(creator)`")
        }
        _ = try MappedIndex(url: version.url)
        try setCurrent(creator: creator, name: version.name)
    }

    /// Removes versions older than the newest `retention` (never the current one) and stale
    /// temporary files. Returns the removed names.
    public func gc(creator: String, retention: Int = defaultRetention) throws(IndexFileError) -> [String] {
        let directory = try directory(for: creator)
        let all = try versions(creator: creator)
        let keep = Set(all.suffix(max(1, retention)).map(\.name))
        var removed: [String] = []
        for version in all where !keep.contains(version.name) && !version.isCurrent {
            if unlink(version.url.path) == 0 { removed.append(version.name) }
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let hourAgo = Date.now.addingTimeInterval(-3600)
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            let path = directory.appendingPathComponent(name).path
            if let modified = try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date, modified < hourAgo {
                if unlink(path) == 0 { removed.append(name) }
            }
        }
        return removed
    }

    /// Atomically replaces `CURRENT`: temp file, fsync, rename, fsync the directory.
    private func setCurrent(creator: String, name: String) throws(IndexFileError) {
        let directory = try directory(for: creator)
        let temporary = directory.appendingPathComponent(".\(Self.currentFileName).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexFileError(.io, "cannot write \(temporary.path): \(String(cString: strerror(errno)))") }
        let line = Array((name + "\n").utf8)
        let written = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == line.count, synced, rename(temporary.path, directory.appendingPathComponent(Self.currentFileName).path) == 0 else {
            unlink(temporary.path)
            throw IndexFileError(.io, "cannot update \(directory.path)/CURRENT: \(String(cString: strerror(errno)))")
        }
        try DirectorySync.sync(directory)
    }
}
