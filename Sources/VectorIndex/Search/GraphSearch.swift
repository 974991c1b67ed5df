/// The HNSW search routines shared by building and querying (algorithms 2 and 5 of the paper).
enum GraphSearch {
    /// Greedy walk on one upper level: the closest node reachable from `entry`.
    static func greedy(_ graph: GraphView, query: UnsafePointer<Float>, entry: UInt32, entryScore: Float, level: Int) -> (UInt32, Float) {
        var current = entry, best = entryScore
        var changed = true
        while changed {
            changed = false
            let (links, degree) = graph.links(of: current, at: level)
            for i in 0..<degree {
                let neighbor = links[i]
                guard Int(neighbor) < graph.count else { continue }  // a corrupt file never crashes
                let score = innerProduct(query, graph.vector(neighbor), graph.dimension)
                if score > best {
                    best = score
                    current = neighbor
                    changed = true
                }
            }
        }
        return (current, best)
    }

    /// Beam search on one level with a candidate list of `ef`; the result heap (worst on top)
    /// is left in `scratch.results`.
    static func layer(_ graph: GraphView, query: UnsafePointer<Float>, entries: [(UInt32, Float)], ef: Int, level: Int, scratch: SearchScratch) {
        scratch.reset(count: graph.count)
        for (slot, score) in entries {
            _ = scratch.visit(slot)
            scratch.candidates.push(score, slot)
            scratch.results.push(score, slot)
        }
        while scratch.results.count > ef { scratch.results.pop() }
        while !scratch.candidates.isEmpty {
            let (score, slot) = scratch.candidates.pop()
            if scratch.results.count >= ef && score < scratch.results.topScore { break }
            let (links, degree) = graph.links(of: slot, at: level)
            var i = 0
            while i < degree {
                let neighbor = links[i]
                i += 1
                guard Int(neighbor) < graph.count, scratch.visit(neighbor) else { continue }
                let neighborScore = innerProduct(query, graph.vector(neighbor), graph.dimension)
                if scratch.results.count < ef || neighborScore > scratch.results.topScore {
                    scratch.candidates.push(neighborScore, neighbor)
                    scratch.results.push(neighborScore, neighbor)
                    if scratch.results.count > ef { scratch.results.pop() }
                }
            }
        }
    }

    /// The k best (score, slot) for `query`, best first.
    static func search(_ graph: GraphView, query: UnsafePointer<Float>, k: Int, ef: Int, entryPoint: UInt32, maxLevel: Int, scratch: SearchScratch) -> [SearchHit] {
        guard graph.count > 0, Int(entryPoint) < graph.count else { return [] }
        var entry = entryPoint
        var entryScore = innerProduct(query, graph.vector(entry), graph.dimension)
        if maxLevel >= 1 {
            for level in stride(from: maxLevel, through: 1, by: -1) {
                (entry, entryScore) = greedy(graph, query: query, entry: entry, entryScore: entryScore, level: level)
            }
        }
        layer(graph, query: query, entries: [(entry, entryScore)], ef: max(ef, k), level: 0, scratch: scratch)
        return scratch.results.sortedDescending().prefix(k).map { SearchHit(slot: $0.slot, score: $0.score) }
    }
}

/// One search result: the slot (row) of a vector and its inner product with the query.
public struct SearchHit: Sendable, Hashable {
    public var slot: UInt32
    public var score: Float
    public init(slot: UInt32, score: Float) {
        self.slot = slot
        self.score = score
    }
}
