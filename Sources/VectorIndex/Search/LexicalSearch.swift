import Foundation

/// One term of a lexical query with its weight (1 for the question's own words; less for words
/// borrowed from earlier turns of a conversation).
public struct WeightedTerm: Sendable, Hashable {
    public var term: String
    public var weight: Float
    public init(_ term: String, weight: Float = 1) {
        self.term = term
        self.weight = weight
    }
}

/// Okapi BM25 over the file's lexical sections, read in place from the mapping: a binary search
/// of the sorted term dictionary per query term, then one pass over its postings into a score
/// accumulator. Every offset read from the file is range-checked.
extension MappedIndex {
    /// The `k` chunks with the highest BM25 score for `query`, best first (ties by slot). Empty
    /// for a file without a lexical index (format 1.0) or when no term occurs.
    public func lexicalSearch(_ query: [WeightedTerm], k: Int) throws(IndexFileError) -> [SearchHit] {
        guard header.hasLexicalIndex, count > 0, k > 0, !query.isEmpty else { return [] }
        let k1 = header.bm25K1, b = header.bm25B
        let lengths = (base + header.section(.chunkLengths).offset).assumingMemoryBound(to: UInt32.self)
        let postings = base + header.section(.postings).offset
        let averageLength = max(averageChunkLength, 1)
        let total = Float(count)
        var scores = [Float](repeating: 0, count: count)
        var touched: [UInt32] = []
        for item in query where item.weight > 0 {
            guard let entry = try termEntry(item.term) else { continue }
            let frequency = Float(entry.documentFrequency)
            let idf = Float(log(1 + Double((total - frequency + 0.5) / (frequency + 0.5))))
            for index in entry.postings {
                let posting = UInt32(littleEndian: postings.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
                let chunk = Int(posting >> 8), tf = Float(posting & 0xFF)
                guard chunk < count else {
                    throw IndexFileError(.corrupt, "\(url.path): a posting of \"\(item.term)\" names chunk \(chunk) of \(count)")
                }
                let length = Float(UInt32(littleEndian: lengths[chunk]))
                let gain = item.weight * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / averageLength))
                if scores[chunk] == 0 { touched.append(UInt32(chunk)) }
                scores[chunk] += gain
            }
        }
        var heap = ScoredHeap(kind: .min)
        for slot in touched {
            let score = scores[Int(slot)]
            if heap.count < k {
                heap.push(score, slot)
            } else if score > heap.topScore || (score == heap.topScore && slot < heap.topSlot) {
                heap.pop()
                heap.push(score, slot)
            }
        }
        return heap.sortedDescending().map { SearchHit(slot: $0.slot, score: $0.score) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.slot < $1.slot }
    }

    /// How many chunks contain `term` (0 when absent or without a lexical index).
    public func documentFrequency(of term: String) throws(IndexFileError) -> Int {
        try termEntry(term)?.documentFrequency ?? 0
    }

    /// The number of distinct terms, postings and lexical bytes (for `index info`).
    public var lexicalStatistics: (terms: Int, postings: Int, bytes: Int) {
        let kinds: [SectionKind] = [.terms, .termText, .postings, .chunkLengths]
        return (header.section(.terms).length / IndexFormat.termEntrySize, header.section(.postings).length / 4,
                kinds.reduce(0) { $0 + header.section($1).length })
    }

    /// Mean chunk length in terms (computed once, on open).
    static func averageChunkLength(base: UnsafeRawPointer, header: IndexHeader) -> Float {
        let section = header.section(.chunkLengths), count = header.count
        guard header.formatMinor >= 1, section.length >= count * 4, count > 0 else { return 0 }
        let lengths = UnsafeRawBufferPointer(start: base + section.offset, count: count * 4)
        var total = 0
        for i in 0..<count { total += Int(UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
        return Float(total) / Float(count)
    }

    struct TermEntry {
        var documentFrequency: Int
        var postings: Range<Int>
    }

    /// Binary search of the term dictionary, comparing UTF-8 bytes.
    func termEntry(_ term: String) throws(IndexFileError) -> TermEntry? {
        guard header.hasLexicalIndex else { return nil }
        let dictionary = header.section(.terms), text = header.section(.termText), postings = header.section(.postings)
        let entries = dictionary.length / IndexFormat.termEntrySize
        let key = Array(term.utf8)
        let table = base + dictionary.offset
        var low = 0, high = entries - 1
        while low <= high {
            let mid = (low + high) / 2
            let entry = table + mid * IndexFormat.termEntrySize
            func u32(_ o: Int) -> Int { Int(UInt32(littleEndian: entry.loadUnaligned(fromByteOffset: o, as: UInt32.self))) }
            let offset = u32(0), length = u32(4)
            guard offset <= text.length, length <= text.length - offset else {
                throw IndexFileError(.corrupt, "\(url.path): term \(mid) points outside the term text")
            }
            let stored = base + text.offset + offset
            let order = key.withUnsafeBytes { key -> Int in
                let common = min(key.count, length)
                guard common > 0, let keyBase = key.baseAddress else { return key.count - length }
                let compared = memcmp(keyBase, stored, common)
                return compared != 0 ? Int(compared) : key.count - length
            }
            if order == 0 {
                let first = u32(8), frequency = u32(12)
                guard first <= postings.length / 4, frequency <= postings.length / 4 - first else {
                    throw IndexFileError(.corrupt, "\(url.path): the postings of term \(mid) lie outside the postings section")
                }
                return TermEntry(documentFrequency: frequency, postings: first..<(first + frequency))
            }
            if order < 0 { high = mid - 1 } else { low = mid + 1 }
        }
        return nil
    }

    /// `index verify` for the lexical sections: terms strictly sorted, every reference in range,
    /// postings in chunk order, and postings adding up to the section.
    func verifyLexicalIndex() throws(IndexFileError) {
        guard header.formatMinor >= 1 else { return }
        let dictionary = header.section(.terms), text = header.section(.termText), postings = header.section(.postings)
        let entries = dictionary.length / IndexFormat.termEntrySize
        var previous: [UInt8]? = nil
        var expectedFirst = 0
        for index in 0..<entries {
            let entry = base + dictionary.offset + index * IndexFormat.termEntrySize
            func u32(_ o: Int) -> Int { Int(UInt32(littleEndian: entry.loadUnaligned(fromByteOffset: o, as: UInt32.self))) }
            let offset = u32(0), length = u32(4), first = u32(8), frequency = u32(12)
            guard offset <= text.length, length <= text.length - offset, first == expectedFirst,
                  frequency <= postings.length / 4 - min(first, postings.length / 4) else {
                throw IndexFileError(.corrupt, "\(url.path): term \(index) of the dictionary has out-of-range references")
            }
            let bytes = Array(UnsafeRawBufferPointer(start: base + text.offset + offset, count: length))
            if let previous, !previous.lexicographicallyPrecedes(bytes) {
                throw IndexFileError(.corrupt, "\(url.path): the term dictionary is not sorted at term \(index)")
            }
            var lastChunk = -1
            for posting in first..<(first + frequency) {
                let chunk = Int(UInt32(littleEndian: (base + postings.offset).loadUnaligned(fromByteOffset: posting * 4, as: UInt32.self)) >> 8)
                guard chunk > lastChunk, chunk < count else {
                    throw IndexFileError(.corrupt, "\(url.path): the postings of term \(index) are out of order or out of range")
                }
                lastChunk = chunk
            }
            previous = bytes
            expectedFirst = first + frequency
        }
        guard expectedFirst == postings.length / 4 else {
            throw IndexFileError(.corrupt, "\(url.path): the dictionary covers \(expectedFirst) postings, the section holds \(postings.length / 4)")
        }
    }
}
