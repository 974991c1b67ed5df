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
        guard builder.dimension <= IndexFormat.maxDimension else {
            throw IndexFileError(.invalidConfiguration, "\(builder.dimension) dimensions is more than an index file holds (\(IndexFormat.maxDimension))")
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
        var pageMap = ByteWriter()
        var titles = ByteWriter()
        for document in contents.documents {
            let titleOffset = UInt64(text.bytes.count)
            text.append(Array(document.title.utf8))
            titles.append(titleOffset)
            titles.append(UInt64(text.bytes.count) - titleOffset)
            let firstPage = UInt64(pageMap.bytes.count / IndexFormat.pageEntrySize)
            for page in document.pages {
                pageMap.append(page.start)
                pageMap.append(page.number)
            }
            let offset = UInt64(text.bytes.count)
            text.append(Array(document.path.utf8))
            documentTable.append(offset)
            documentTable.append(UInt32(text.bytes.count - Int(offset)))
            documentTable.append(document.pageCount)
            documentTable.append(document.size)
            documentTable.append(document.contentHash.count == 32 ? document.contentHash : [UInt8](repeating: 0, count: 32))
            documentTable.append(UInt64(document.pages.count) << 32 | firstPage)
        }
        let lexical = try LexicalSections(contents.lexical, chunkCount: contents.chunks.count)
        var windowIndex = ByteWriter(), windowSpans = ByteWriter(), windowVectors = ByteWriter()
        if let windows = contents.windows, windows.count != contents.chunks.count {
            throw IndexFileError(.invalidConfiguration, "windows for \(windows.count) chunks, expected \(contents.chunks.count)")
        }
        var windowCount: UInt32 = 0
        for slot in contents.chunks.indices {
            windowIndex.append(windowCount)
            for window in contents.windows?[slot] ?? [] {
                guard window.vector.count == builder.dimension, window.start <= window.end else {
                    throw IndexFileError(.invalidConfiguration, "a window of chunk \(slot) has \(window.vector.count) dimensions or an empty span")
                }
                windowSpans.append(window.start)
                windowSpans.append(window.end)
                for value in window.vector { windowVectors.append(value.bitPattern) }
                windowCount += 1
            }
        }
        windowIndex.append(windowCount)

        let owned: [(SectionKind, [UInt8])] = [
            (.chunks, chunkTable.bytes), (.documents, documentTable.bytes), (.text, text.bytes),
            (.terms, lexical.terms.bytes), (.termText, lexical.termText.bytes), (.postings, lexical.postings.bytes),
            (.chunkLengths, lexical.chunkLengths.bytes), (.pageMap, pageMap.bytes), (.titles, titles.bytes),
            (.windowIndex, windowIndex.bytes), (.windowSpans, windowSpans.bytes), (.windowVectors, windowVectors.bytes),
        ]
        try IndexFileError.rethrowing {
            try withRawBuffers(owned.map(\.1)) { raws in
                let sections: [(SectionKind, UnsafeRawBufferPointer)] = [
                    (.vectors, UnsafeRawBufferPointer(layout.vectors)),
                    (.baseLinks, UnsafeRawBufferPointer(layout.level0)),
                    (.nodes, UnsafeRawBufferPointer(layout.nodes)),
                    (.upperLinks, UnsafeRawBufferPointer(layout.upper)),
                ] + zip(owned.map(\.0), raws).map { ($0, $1) }
                try writeFile(builder: builder, contents: contents, sections: sections, to: url)
            }
        }
    }

    /// Calls `body` with raw views of every array, all alive for the whole call.
    private static func withRawBuffers<R>(_ arrays: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) throws -> R) rethrows -> R {
        func nest(_ index: Int, _ collected: [UnsafeRawBufferPointer]) throws -> R {
            guard index < arrays.count else { return try body(collected) }
            return try arrays[index].withUnsafeBytes { try nest(index + 1, collected + [$0]) }
        }
        return try nest(0, [])
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
        header.append((contents.lexical?.k1 ?? LexicalSections.defaultK1).bitPattern)
        header.append((contents.lexical?.b ?? LexicalSections.defaultB).bitPattern)
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

/// The lexical sections' bytes: the term dictionary sorted by UTF-8 bytes, postings grouped by
/// term in chunk order, and each chunk's length in terms. Deterministic for the same contents.
struct LexicalSections {
    static let defaultK1: Float = 1.2
    static let defaultB: Float = 0.75
    var terms = ByteWriter()
    var termText = ByteWriter()
    var postings = ByteWriter()
    var chunkLengths = ByteWriter()

    init(_ contents: LexicalContents?, chunkCount: Int) throws(IndexFileError) {
        guard let contents else {
            for _ in 0..<chunkCount { chunkLengths.append(UInt32(0)) }
            return
        }
        guard contents.chunkTerms.count == chunkCount else {
            throw IndexFileError(.invalidConfiguration, "lexical terms for \(contents.chunkTerms.count) chunks, expected \(chunkCount)")
        }
        guard chunkCount < IndexFormat.maxLexicalChunks else {
            throw IndexFileError(.invalidConfiguration, "a lexical index holds at most \(IndexFormat.maxLexicalChunks - 1) chunks, got \(chunkCount)")
        }
        guard contents.k1.isFinite, contents.k1 >= 0, contents.b.isFinite, (0...1).contains(contents.b) else {
            throw IndexFileError(.invalidConfiguration, "BM25 needs k1 ≥ 0 and 0 ≤ b ≤ 1 (got k1 \(contents.k1), b \(contents.b))")
        }
        var byTerm: [String: [UInt32]] = [:]
        for (chunk, termFrequencies) in contents.chunkTerms.enumerated() {
            var length = 0
            for (term, frequency) in termFrequencies where frequency > 0 && !term.isEmpty {
                length += frequency
                byTerm[term, default: []].append(UInt32(chunk) << 8 | UInt32(min(frequency, 255)))
            }
            chunkLengths.append(UInt32(min(length, Int(UInt32.max))))
        }
        let sorted = byTerm.keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        var first: UInt32 = 0
        for bytes in sorted {
            let list = byTerm[String(decoding: bytes, as: UTF8.self)] ?? []  // chunk order: appended in slot order
            terms.append(UInt32(termText.bytes.count))
            terms.append(UInt32(bytes.count))
            terms.append(first)
            terms.append(UInt32(list.count))
            termText.append(bytes)
            for posting in list { postings.append(posting) }
            first += UInt32(list.count)
        }
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
