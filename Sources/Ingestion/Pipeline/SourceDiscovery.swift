import Foundation

/// Expands a job's sources into a sorted, de-duplicated file list: files as named, directories
/// walked recursively (hidden entries skipped), glob patterns (`*`, `?`, `[...]`, `**` via
/// directories) matched with fnmatch; then include/exclude patterns against the path and name.
public enum SourceDiscovery {
    public static func files(sources: [String], include: [String], exclude: [String]) -> [String] {
        var found: [String] = []
        for source in sources {
            if source.contains(where: { "*?[".contains($0) }) {
                found += expandGlob(source)
            } else {
                found += walk(source)
            }
        }
        let matches = { (patterns: [String], path: String) in
            let name = (path as NSString).lastPathComponent
            return patterns.contains { fnmatch($0, path, 0) == 0 || fnmatch($0, name, 0) == 0 }
        }
        var seen = Set<String>()
        return found.filter { path in
            guard seen.insert(path).inserted else { return false }
            if !include.isEmpty && !matches(include, path) { return false }
            return !matches(exclude, path)
        }.sorted()
    }

    /// A file as is; a directory's files, recursively, sorted, hidden entries skipped. A path that
    /// does not exist is returned as is, so extraction reports it as that file's error.
    public static func walk(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: base)
        while let relative = enumerator?.nextObject() as? String {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let full = base + "/" + relative
            var childIsDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue { files.append(full) }
        }
        return files.sorted()
    }

    /// The directory part without wildcards is walked; every file is matched against the whole
    /// pattern (FNM_PATHNAME off, so `*` also crosses `/`, which makes `dir/**/*.pdf` work).
    private static func expandGlob(_ pattern: String) -> [String] {
        let components = pattern.split(separator: "/", omittingEmptySubsequences: false)
        let fixed = components.prefix { !$0.contains(where: { "*?[".contains($0) }) }
        let root = fixed.isEmpty ? "." : fixed.joined(separator: "/")
        let normalizedPattern = pattern.replacingOccurrences(of: "**/", with: "*")
        return walk(root.isEmpty ? "/" : root).filter { path in
            let candidate = root == "." && !pattern.hasPrefix("./") && path.hasPrefix("./") ? String(path.dropFirst(2)) : path
            return fnmatch(normalizedPattern, candidate, 0) == 0
        }
    }
}
