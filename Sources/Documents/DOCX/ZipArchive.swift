import CZip

/// A read-only view of a ZIP archive held in memory, with the limits that stop zip bombs:
/// per-entry size, total decompressed size, compression ratio — checked against the declared
/// sizes up front and enforced again while reading, since declared sizes can lie.
final class ZipArchive {
    struct Entry {
        var index: UInt64
        var name: String
        var size: UInt64
        var compressedSize: UInt64
    }

    private let archive: OpaquePointer
    private let buffer: UnsafeMutableRawBufferPointer
    private let path: String
    private let limits: ExtractionLimits
    private var bytesRead = 0
    let entries: [Entry]

    init(bytes: [UInt8], path: String, limits: ExtractionLimits) throws(DocumentError) {
        self.path = path
        self.limits = limits
        // libzip reads lazily from the buffer: it must outlive the archive.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(buffer.baseAddress, zip_uint64_t(bytes.count), 0, &error) else {
            buffer.deallocate()
            throw DocumentError(.notAZip, path: path, "cannot read the ZIP container")
        }
        guard let archive = zip_open_from_source(source, Int32(ZIP_RDONLY), &error) else {
            zip_source_free(source)
            buffer.deallocate()
            let reason = String(cString: zip_error_strerror(&error))
            throw DocumentError(.notAZip, path: path, "not a valid ZIP archive (\(reason)); a DOCX is a ZIP container, the file is damaged or not a DOCX")
        }
        self.archive = archive
        self.buffer = buffer

        var entries: [Entry] = []
        let count = zip_get_num_entries(archive, 0)
        for index in 0..<UInt64(max(count, 0)) {
            var stat = zip_stat_t()
            zip_stat_init(&stat)
            guard zip_stat_index(archive, index, 0, &stat) == 0, let rawName = stat.name else { continue }
            entries.append(Entry(index: index, name: String(cString: rawName), size: stat.size, compressedSize: stat.comp_size))
        }
        self.entries = entries
        try checkDeclaredLimits()
    }

    deinit {
        zip_discard(archive)
        buffer.deallocate()
    }

    private func checkDeclaredLimits() throws(DocumentError) {
        var total: UInt64 = 0
        for entry in entries {
            if Self.isUnsafe(name: entry.name) {
                throw DocumentError(.unsafeEntryName, path: path, "the archive contains an entry with an unsafe name (\(entry.name.debugDescription)): absolute paths and '..' are refused")
            }
            try checkRatio(name: entry.name, size: entry.size, compressed: entry.compressedSize)
            total &+= entry.size
        }
        if total > UInt64(limits.maxTotalUncompressedBytes) {
            throw DocumentError(.zipBomb, path: path, "the archive would decompress to \(total >> 20) MiB, over the \(limits.maxTotalUncompressedBytes >> 20) MiB limit (zip bomb?)")
        }
    }

    private func checkRatio(name: String, size: UInt64, compressed: UInt64) throws(DocumentError) {
        guard size > UInt64(limits.ratioFloorBytes) else { return }
        let ratio = size / max(compressed, 1)
        if ratio > UInt64(limits.maxCompressionRatio) {
            throw DocumentError(.zipBomb, path: path, "entry \(name) expands \(ratio):1 to \(size >> 20) MiB, over the \(limits.maxCompressionRatio):1 limit (zip bomb?)")
        }
    }

    static func isUnsafe(name: String) -> Bool {
        if name.hasPrefix("/") || name.hasPrefix("\\") { return true }
        if name.count >= 2, name.dropFirst().first == ":" { return true }  // C:\ or C:/
        let components = name.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        return components.contains("..")
    }

    func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// Reads an entry, stopping as soon as it exceeds the entry or total limit.
    func read(_ entry: Entry) throws(DocumentError) -> [UInt8] {
        if entry.size > UInt64(limits.maxEntryBytes) {
            throw DocumentError(.entryTooLarge, path: path, "entry \(entry.name) is \(entry.size >> 20) MiB, over the \(limits.maxEntryBytes >> 20) MiB limit")
        }
        guard let file = zip_fopen_index(archive, entry.index, 0) else {
            throw DocumentError(.notAZip, path: path, "entry \(entry.name) cannot be opened: \(String(cString: zip_strerror(archive)))")
        }
        defer { zip_fclose(file) }
        var out: [UInt8] = []
        out.reserveCapacity(Int(min(entry.size, UInt64(limits.maxEntryBytes))))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress, zip_uint64_t($0.count)) }
            if n < 0 {
                throw DocumentError(.notAZip, path: path, "entry \(entry.name) is damaged: \(String(cString: zip_file_strerror(file)))")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<Int(n)])
            bytesRead += Int(n)
            if out.count > limits.maxEntryBytes {
                throw DocumentError(.entryTooLarge, path: path, "entry \(entry.name) decompresses past the \(limits.maxEntryBytes >> 20) MiB limit (its declared size was \(entry.size) bytes)")
            }
            if bytesRead > limits.maxTotalUncompressedBytes {
                throw DocumentError(.zipBomb, path: path, "the archive decompresses past the \(limits.maxTotalUncompressedBytes >> 20) MiB limit (zip bomb?)")
            }
            try checkRatio(name: entry.name, size: UInt64(out.count), compressed: entry.compressedSize)
        }
        return out
    }
}
