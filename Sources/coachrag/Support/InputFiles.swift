import Foundation

/// Expands the paths a user named: files as given, directories walked recursively (sorted, hidden
/// files skipped). A path that does not exist is kept, so extraction reports it as that file's error.
enum InputFiles {
    static func expand(_ paths: [String]) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            let enumerator = FileManager.default.enumerator(atPath: base)
            var found: [String] = []
            while let relative = enumerator?.nextObject() as? String {
                let full = base + "/" + relative
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                var childIsDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
                    found.append(full)
                }
            }
            files.append(contentsOf: found.sorted())
        }
        return files
    }
}
