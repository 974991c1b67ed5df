import Synchronization
public import VectorIndex

/// What excerpt selection needs to know of a chunk, computed once: its sentences, its terms in
/// order with where each sentence's terms begin, whether each sentence holds a number (a digit
/// or a number word), and its title's terms. About 12 KB for a 1,000-token chunk (terms are
/// mostly small inline strings), so a bounded cache of them keeps repeated chunks from being tokenised on every query.
struct ChunkAnalysis: Sendable {
    var sentences: [Range<Int>]
    /// The chunk's terms in text order (stop words and punctuation left out).
    var terms: [String]
    /// Sentence i's terms are `terms[termStarts[i]..<termStarts[i + 1]]`.
    var termStarts: [Int32]
    var hasNumber: [Bool]
    var titleTerms: Set<String>

    init(chunk: ChunkRecord, document: DocumentRecord, analyzer: LexicalAnalyzer) {
        let scalars = Array(chunk.text.unicodeScalars)
        let sentences = ExcerptSelector.sentences(scalars)
        self.sentences = sentences
        var terms: [String] = []
        var starts: [Int32] = [0]
        var sentence = 0
        for word in analyzer.words(chunk.text) {
            guard let term = word.term else { continue }
            while sentence + 1 < sentences.count && word.start >= sentences[sentence + 1].lowerBound {
                starts.append(Int32(terms.count))
                sentence += 1
            }
            terms.append(term)
        }
        while starts.count <= sentences.count { starts.append(Int32(terms.count)) }
        self.terms = terms
        termStarts = starts
        hasNumber = sentences.indices.map { i in
            scalars[sentences[i]].contains { $0.value < 128 ? ($0.value >= 0x30 && $0.value <= 0x39) : $0.properties.numericType != nil }
                || terms[Int(starts[i])..<Int(starts[i + 1])].contains { NumberWords.cardinals[$0] != nil }
        }
        titleTerms = Set(analyzer.terms(document.title.isEmpty ? ChunkContext.fileTitle(document.path) : document.title))
    }

    /// The distinct terms of sentence `index` that `wanted` holds. An acronym of the question
    /// (`Acronyms.of`) is also found where consecutive terms begin with its letters ("agm" in
    /// "Annual general meeting").
    func terms(ofSentence index: Int, in wanted: [String: Float], acronyms: Set<String> = []) -> [String] {
        var found: [String] = []
        let sentence = terms[Int(termStarts[index])..<Int(termStarts[index + 1])]
        for term in sentence where wanted[term] != nil && !found.contains(term) {
            found.append(term)
        }
        for acronym in acronyms where wanted[acronym] != nil && !found.contains(acronym) && Acronyms.spelled(acronym, in: sentence) {
            found.append(acronym)
        }
        return found
    }
}

/// A bounded LRU of chunk analyses, keyed by index file and slot (index files never change).
/// Evicts the older half when full.
final class ChunkAnalysisCache: Sendable {
    struct Key: Hashable { var file: String; var slot: UInt32 }
    private let capacity: Int
    private let state = Mutex(State())

    struct State {
        var entries: [Key: (analysis: ChunkAnalysis, stamp: UInt64)] = [:]
        var clock: UInt64 = 0
    }

    init(capacity: Int) { self.capacity = capacity }

    func analysis(_ key: Key, build: () -> ChunkAnalysis) -> ChunkAnalysis {
        if let hit = state.withLock({ state -> ChunkAnalysis? in
            guard let entry = state.entries[key] else { return nil }
            state.clock += 1
            state.entries[key] = (entry.analysis, state.clock)
            return entry.analysis
        }) { return hit }
        let analysis = build()
        guard capacity > 0 else { return analysis }
        state.withLock { state in
            state.clock += 1
            state.entries[key] = (analysis, state.clock)
            if state.entries.count > capacity {
                let cutoff = state.entries.values.map(\.stamp).sorted()[state.entries.count / 2]
                state.entries = state.entries.filter { $0.value.stamp >= cutoff }
            }
        }
        return analysis
    }
}
