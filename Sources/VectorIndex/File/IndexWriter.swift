public import Foundation

/// Writes an index file: to a temporary file in the destination's directory, fsynced, then
/// renamed into place, so a reader never sees a partial file under its final name. The file is
/// never modified afterwards.
public enum IndexWriter {
    public static func write(_ builder: HNSWBuilder, contents: IndexContents, to url: URL) throws(IndexFileError) {
        guard contents.chunks.count == builder.count else {
            throw IndexFileError(.invalidConfiguration, "\(contents.chunks.count) chunk records for \(builder.count) vectors")
        }
        guard contents.sourceDigest.count == 32 else {
            throw IndexFileError(.invalidConfiguration, "the source digest must be 32 bytes")
        }
        let layout = builder.layout
        var text = ByteWriter()
        var chunkTable = ByteWriter()
        for chunk in contents.chunks {
            let offset = UInt64(text.bytes.count)
            text.append(Array(chunk.text.utf8))
            chunkTable.append(chunk.documentIndex)
            chunkTable.append(chunk.pageStart)
            chunkTable.append(chunk.pageEnd)
            chunkTable.append(chunk.tokenCount)
            chunkTable.append(chunk.start)
            chunkTable.append(chunk.end)
            chunkTable.append(offset)
            chunkTable.append(UInt64(text.bytes.count) - offset)
        }
        var documentTable = ByteWriter()
        for document in contents.documents {
            let offset = UInt64(text.bytes.count)
            text.append(Array(document.path.utf8))
            documentTable.append(offset)
            documentTable.append(UInt32(text.bytes.count - Int(offset)))
            documentTable.append(document.pageCount)
            documentTable.append(document.size)
            documentTable.append(document.contentHash.count == 32 ? document.contentHash : [UInt8](repeating: 0, count: 32))
            documentTable.append(UInt64(0))
        }

        let chunkBytes = chunkTable.bytes, documentBytes = documentTable.bytes, textBytes = text.bytes
        try IndexFileError.rethrowing {
          try chunkBytes.withUnsafeBytes { chunkRaw in
            try documentBytes.withUnsafeBytes { documentRaw in
                try textBytes.withUnsafeBytes { textRaw in
                    let sections: [(SectionKind, UnsafeRawBufferPointer)] = [
                        (.vectors, UnsafeRawBufferPointer(layout.vectors)),
                        (.baseLinks, UnsafeRawBufferPointer(layout.level0)),
                        (.nodes, UnsafeRawBufferPointer(layout.nodes)),
                        (.upperLinks, UnsafeRawBufferPointer(layout.upper)),
                        (.chunks, chunkRaw),
                        (.documents, documentRaw),
                        (.text, textRaw),
                    ]
                    try writeFile(builder: builder, contents: contents, sections: sections, to: url)
                }
            }
          }
        }
    }

    private static func writeFile(builder: HNSWBuilder, contents: IndexContents, sections: [(SectionKind, UnsafeRawBufferPointer)], to url: URL) throws(IndexFileError) {
        let configuration = builder.configuration
        var header = ByteWriter()
        header.append(IndexFormat.magic)
        header.append(IndexFormat.major)
        header.append(IndexFormat.minor)
        header.append(UInt32(0))  // header length, set below
        header.append(UInt32(builder.dimension))
        header.append(UInt32(builder.count))
        header.append(UInt8(1))   // metric: inner product
        header.append(UInt8(1))   // element type: float32
        header.append(UInt16(0))
        header.append(UInt32(configuration.connectivity))
        header.append(UInt32(configuration.baseConnectivity))
        header.append(UInt32(configuration.expansionAdd))
        header.append(UInt32(configuration.expansionSearch))
        header.append(builder.count == 0 ? UInt32.max : builder.entryPoint)
        header.append(Int32(builder.maxLevel))
        header.append(UInt32(sections.count))
        header.append(configuration.seed)
        header.append(contents.createdAt)
        header.append(contents.sourceDigest)
        header.append(UInt32(contents.embedderDescriptor.count))
        header.append(UInt32(contents.documents.count))
        header.append(UInt64(0))  // header checksum, set below
        header.pad(to: 128)
        let tableStart = header.bytes.count
        header.append([UInt8](repeating: 0, count: sections.count * IndexFormat.sectionEntrySize))
        header.append(contents.embedderDescriptor)
        header.pad(to: IndexFormat.alignment)
        header.set(UInt32(header.bytes.count), at: 12)

        var offset = header.bytes.count
        for (index, (kind, bytes)) in sections.enumerated() {
            let entry = tableStart + index * IndexFormat.sectionEntrySize
            header.set(kind.rawValue, at: entry)
            header.set(UInt64(offset), at: entry + 8)
            header.set(UInt64(bytes.count), at: entry + 16)
            header.set(Checksum.of(bytes), at: entry + 24)
            offset = IndexFormat.aligned(offset + bytes.count)
        }
        let headerChecksum = header.bytes.withUnsafeBytes { Checksum.of($0) }
        header.set(headerChecksum, at: IndexFormat.headerChecksumOffset)

        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexFileError(.io, "cannot create \(temporary.path): \(String(cString: strerror(errno)))") }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do throws(IndexFileError) {
            try writeAll(fd, header.bytes.withUnsafeBytes { UnsafeRawBufferPointer($0) }, path: temporary.path, keepAlive: header.bytes)
            var position = header.bytes.count
            let zeros = [UInt8](repeating: 0, count: IndexFormat.alignment)
            for (_, bytes) in sections {
                try writeAll(fd, bytes, path: temporary.path, keepAlive: nil)
                position += bytes.count
                let padding = IndexFormat.aligned(position) - position
                if padding > 0 {
                    try IndexFileError.rethrowing {
                        try zeros.withUnsafeBytes { raw in try writeAll(fd, UnsafeRawBufferPointer(rebasing: raw[0..<padding]), path: temporary.path, keepAlive: nil) }
                    }
                    position += padding
                }
            }
            guard fsync(fd) == 0 else { throw IndexFileError(.io, "fsync \(temporary.path): \(String(cString: strerror(errno)))") }
            close(fd)
            closed = true
            guard rename(temporary.path, url.path) == 0 else {
                throw IndexFileError(.io, "cannot rename into \(url.path): \(String(cString: strerror(errno)))")
            }
            try DirectorySync.sync(directory)
        } catch {
            unlink(temporary.path)
            throw error
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String, keepAlive: [UInt8]?) throws(IndexFileError) {
        var written = 0
        while written < bytes.count {
            guard let base = bytes.baseAddress else { return }
            let n = Glibc.write(fd, base + written, bytes.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                throw IndexFileError(.io, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        withExtendedLifetime(keepAlive) {}
    }
}

/// fsync of a directory, so a rename in it survives a crash.
enum DirectorySync {
    static func sync(_ directory: URL) throws(IndexFileError) {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw IndexFileError(.io, "cannot open directory \(directory.path)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw IndexFileError(.io, "fsync directory \(directory.path): \(String(cString: strerror(errno)))") }
    }
}
