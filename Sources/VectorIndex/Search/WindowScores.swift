/// A chunk's embedded passages (format 1.1), read in place: their spans and their inner
/// products with a query.
extension MappedIndex {
    /// Row range of `slot`'s windows (empty for 1.0 files, or chunks stored without windows).
    func windowRows(of slot: UInt32) throws(IndexFileError) -> Range<Int> {
        guard header.formatMinor >= 1, Int(slot) < count else { return 0..<0 }
        let index = base + header.section(.windowIndex).offset
        let first = Int(UInt32(littleEndian: index.loadUnaligned(fromByteOffset: Int(slot) * 4, as: UInt32.self)))
        let end = Int(UInt32(littleEndian: index.loadUnaligned(fromByteOffset: Int(slot) * 4 + 4, as: UInt32.self)))
        let total = header.section(.windowSpans).length / 8
        guard first <= end, end <= total else {
            throw IndexFileError(.corrupt, "\(url.path): the windows of chunk \(slot) lie outside the window sections")
        }
        return first..<end
    }

    /// `slot`'s windows: each span (Unicode scalars of the chunk's text) and its inner product
    /// with `query`.
    public func windowScores(_ query: [Float], slot: UInt32) throws(IndexFileError) -> [(start: Int, end: Int, score: Float)] {
        guard query.count == dimension else {
            throw IndexFileError(.dimensionMismatch, "the query has \(query.count) dimensions, the index \(url.lastPathComponent) has \(dimension)")
        }
        let rows = try windowRows(of: slot)
        guard !rows.isEmpty else { return [] }
        let spans = base + header.section(.windowSpans).offset
        let vectors = (base + header.section(.windowVectors).offset).assumingMemoryBound(to: Float.self)
        return query.withUnsafeBufferPointer { query in
            guard let q = query.baseAddress else { return [] }
            return rows.map { row in
                let start = Int(UInt32(littleEndian: spans.loadUnaligned(fromByteOffset: row * 8, as: UInt32.self)))
                let end = Int(UInt32(littleEndian: spans.loadUnaligned(fromByteOffset: row * 8 + 4, as: UInt32.self)))
                return (start, end, innerProduct(q, vectors + row * dimension, dimension))
            }
        }
    }

    /// `index verify`: window rows ascend and cover the spans section exactly.
    func verifyWindows() throws(IndexFileError) {
        guard header.formatMinor >= 1 else { return }
        var previous = 0
        for slot in 0..<UInt32(count) {
            let rows = try windowRows(of: slot)
            guard rows.lowerBound == previous else { throw IndexFileError(.corrupt, "\(url.path): the window index is not ascending at chunk \(slot)") }
            previous = rows.upperBound
        }
        guard previous == header.section(.windowSpans).length / 8 else {
            throw IndexFileError(.corrupt, "\(url.path): the window index covers \(previous) windows, the sections hold \(header.section(.windowSpans).length / 8)")
        }
    }
}
