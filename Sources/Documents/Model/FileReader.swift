import Foundation

/// Reads a whole input file, refusing what is missing, unreadable, empty or over the size limit.
enum FileReader {
    static func read(path: String, limits: ExtractionLimits) throws(DocumentError) -> [UInt8] {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw DocumentError(.unreadable, path: path, "no such file or not accessible")
        }
        if attributes[.type] as? FileAttributeType == .typeDirectory {
            throw DocumentError(.unreadable, path: path, "is a directory, not a file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        if size > limits.maxFileBytes {
            throw DocumentError(.unreadable, path: path, "the file is \(size >> 20) MiB, over the \(limits.maxFileBytes >> 20) MiB limit")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DocumentError(.unreadable, path: path, "cannot be read (permission denied?)")
        }
        if data.isEmpty {
            throw DocumentError(.emptyFile, path: path, "the file is empty (0 bytes)")
        }
        return [UInt8](data)
    }
}
