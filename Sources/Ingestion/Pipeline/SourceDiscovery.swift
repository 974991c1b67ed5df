public import Documents
import Foundation

/// Expands a job's sources into a sorted, de-duplicated file list: files as named, directories
/// walked recursively (hidden entries skipped), glob patterns (`*`, `?`, `[...]`, `**` via
/// directories) matched with fnmatch; then include/exclude patterns against the path and name.
///
/// Inside a walked folder, a symbolic link is followed only when it resolves inside that
/// folder: a link to `/etc/passwd` or to another creator's material is refused
/// (`symlink_outside_source`), never read into a knowledge base. A path the user names
/// directly is taken as named.
public enum SourceDiscovery {
    /// The files to read, and the links refused with their reason.
    public struct Found: Sendable {
        public var files: [String] = []
        public var refused: [DocumentError] = []
        public init(files: [String] = [], refused: [DocumentError] = []) {
            self.files = files
            self.refused = refused
        }
    }

    public static func files(sources: [String], include: [String], exclude: [String]) -> Found {
        var found: [String] = []
        var refused: [DocumentError] = []
        for source in sources {
            let walked = source.contains(where: { "*?[".contains($0) }) ? expandGlob(source) : walk(source)
            found += walked.files
            refused += walked.refused
        }
        let matches = { (patterns: [String], path: String) in
            let name = (path as NSString).lastPathComponent
            return patterns.contains { fnmatch($0, path, 0) == 0 || fnmatch($0, name, 0) == 0 }
        }
        var seen = Set<String>()
        let kept = found.filter { path in
            guard seen.insert(path).inserted else { return false }
            if !include.isEmpty && !matches(include, path) { return false }
            return !matches(exclude, path)
        }.sorted()
        return Found(files: kept, refused: refused.filter { !matches(exclude, $0.path) })
    }

    /// A file as is; a directory's files, recursively, sorted, hidden entries skipped. A path that
    /// does not exist is returned as is, so extraction reports it as that file's error.
    public static func walk(_ path: String) -> Found {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return Found(files: [path]) }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        let realBase = realPath(base) ?? base
        var found = Found()
        let enumerator = FileManager.default.enumerator(atPath: base)
        while let relative = enumerator?.nextObject() as? String {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let full = base + "/" + relative
            var childIsDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue else { continue }
            if let real = realPath(full), real != realBase, !real.hasPrefix(realBase.hasSuffix("/") ? realBase : realBase + "/") {
                found.refused.append(DocumentError(.symlinkOutsideSource, path: full,
                                                   "is a symbolic link to \(real), outside the source folder \(base); not followed"))
                continue
            }
            found.files.append(full)
        }
        found.files.sort()
        return found
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The directory part without wildcards is walked; every file is matched against the whole
    /// pattern (FNM_PATHNAME off, so `*` also crosses `/`, which makes `dir/**/*.pdf` work).
    private static func expandGlob(_ pattern: String) -> Found {
        let components = pattern.split(separator: "/", omittingEmptySubsequences: false)
        let fixed = components.prefix { !$0.contains(where: { "*?[".contains($0) }) }
        let root = fixed.isEmpty ? "." : fixed.joined(separator: "/")
        let normalizedPattern = pattern.replacingOccurrences(of: "**/", with: "*")
        var walked = walk(root.isEmpty ? "/" : root)
        func matches(_ path: String) -> Bool {
            let candidate = root == "." && !pattern.hasPrefix("./") && path.hasPrefix("./") ? String(path.dropFirst(2)) : path
            return fnmatch(normalizedPattern, candidate, 0) == 0
        }
        walked.files = walked.files.filter(matches)
        walked.refused = walked.refused.filter { matches($0.path) }
        return walked
    }
}
