import Foundation

/// Builds an HNSW graph in memory, one vector at a time, deterministically: level assignment
/// comes from a seeded generator and insertion is single-threaded, so the same vectors in the
/// same order with the same configuration always give the same graph (and the same file).
///
/// Neighbours are chosen with the paper's heuristic (algorithm 4, as hnswlib's
/// getNeighborsByHeuristic2): a candidate is kept only if it is closer to the new node than to
/// every neighbour already kept, which keeps links spread across clusters.
public final class HNSWBuilder {
    public let dimension: Int
    public let configuration: HNSWConfiguration
    private(set) var count = 0
    private(set) var entryPoint: UInt32 = 0
    private(set) var maxLevel = -1

    private let vectors: GrowableBuffer<Float>
    private let level0: GrowableBuffer<UInt32>
    private let nodes: GrowableBuffer<UInt32>
    private let upper = GrowableBuffer<UInt32>()
    private var random: SplitMix64
    private let levelMultiplier: Double
    private let scratch = SearchScratch(capacity: 0)

    public init(dimension: Int, configuration: HNSWConfiguration = .default, expectedCount: Int = 0) throws(IndexFileError) {
        try configuration.validate()
        guard dimension >= 1 else { throw IndexFileError(.invalidConfiguration, "dimension must be at least 1") }
        self.dimension = dimension
        self.configuration = configuration
        self.random = SplitMix64(seed: configuration.seed)
        self.levelMultiplier = 1 / log(Double(configuration.connectivity))
        vectors = GrowableBuffer(capacity: expectedCount * dimension)
        level0 = GrowableBuffer(capacity: expectedCount * (1 + configuration.baseConnectivity))
        nodes = GrowableBuffer(capacity: expectedCount * 2)
    }

    /// Adds one vector (expected L2-normalised) and links it into the graph; returns its slot.
    @discardableResult
    public func add(_ vector: [Float]) throws(IndexFileError) -> UInt32 {
        guard vector.count == dimension else {
            throw IndexFileError(.dimensionMismatch, "vector \(count) has \(vector.count) dimensions, the index has \(dimension)")
        }
        guard count < Int(UInt32.max) else { throw IndexFileError(.invalidConfiguration, "too many vectors") }
        let slot = UInt32(count)
        let level = randomLevel()
        vector.withUnsafeBufferPointer { vectors.append(contentsOf: $0) }
        level0.append(repeating: 0, count: 1 + configuration.baseConnectivity)
        nodes.append(repeating: UInt32(level), count: 1)
        nodes.append(repeating: UInt32(upper.count), count: 1)
        if level > 0 { upper.append(repeating: 0, count: level * (1 + configuration.connectivity)) }
        count += 1
        if maxLevel < 0 {
            entryPoint = slot
            maxLevel = level
            return slot
        }
        link(slot, level: level)
        if level > maxLevel {
            maxLevel = level
            entryPoint = slot
        }
        return slot
    }

    private func randomLevel() -> Int {
        let uniform = Double(random.next() >> 11) * 0x1.0p-53
        return Int(-log(max(uniform, Double.leastNonzeroMagnitude)) * levelMultiplier)
    }

    // MARK: Linking

    private func link(_ slot: UInt32, level: Int) {
        let ef = configuration.expansionAdd
        withView { graph in
            let query = graph.vector(slot)
            var entry = entryPoint
            var entryScore = innerProduct(query, graph.vector(entry), dimension)
            if maxLevel > level {
                for lc in stride(from: maxLevel, through: level + 1, by: -1) {
                    (entry, entryScore) = GraphSearch.greedy(graph, query: query, entry: entry, entryScore: entryScore, level: lc)
                }
            }
            var entries = [(entry, entryScore)]
            for lc in stride(from: min(level, maxLevel), through: 0, by: -1) {
                GraphSearch.layer(graph, query: query, entries: entries, ef: ef, level: lc, scratch: scratch)
                let found = scratch.results.sortedDescending()
                let selected = selectNeighbors(graph, candidates: found, limit: configuration.connectivity)
                setLinks(of: slot, at: lc, to: selected.map(\.slot))
                for neighbor in selected {
                    addLink(from: neighbor.slot, to: slot, score: neighbor.score, level: lc)
                }
                entries = found.map { ($0.slot, $0.score) }
            }
        }
    }

    /// Algorithm 4 of the paper; `candidates` sorted best first.
    private func selectNeighbors(_ graph: GraphView, candidates: [(score: Float, slot: UInt32)], limit: Int) -> [(score: Float, slot: UInt32)] {
        if candidates.count <= limit { return candidates }
        var selected: [(score: Float, slot: UInt32)] = []
        selected.reserveCapacity(limit)
        for candidate in candidates {
            let vector = graph.vector(candidate.slot)
            var keep = true
            for chosen in selected where innerProduct(vector, graph.vector(chosen.slot), dimension) > candidate.score {
                keep = false
                break
            }
            if keep {
                selected.append(candidate)
                if selected.count == limit { break }
            }
        }
        return selected
    }

    private func capacity(at level: Int) -> Int {
        level == 0 ? configuration.baseConnectivity : configuration.connectivity
    }

    private func blockOffset(of slot: UInt32, at level: Int) -> Int {
        level == 0 ? Int(slot) * (1 + configuration.baseConnectivity) : Int(nodes[Int(slot) * 2 + 1]) + (level - 1) * (1 + configuration.connectivity)
    }

    private func block(of slot: UInt32, at level: Int) -> UnsafeMutablePointer<UInt32> {
        level == 0 ? level0.pointer + blockOffset(of: slot, at: level) : upper.pointer + blockOffset(of: slot, at: level)
    }

    private func setLinks(of slot: UInt32, at level: Int, to links: [UInt32]) {
        let block = block(of: slot, at: level)
        block[0] = UInt32(links.count)
        for (i, link) in links.enumerated() { block[1 + i] = link }
    }

    private func currentLinks(of slot: UInt32, at level: Int) -> [UInt32] {
        let block = block(of: slot, at: level)
        return Array(UnsafeBufferPointer(start: block + 1, count: Int(block[0])))
    }

    /// Adds `target` to `slot`'s links; when full, re-selects with the heuristic (hnswlib does
    /// the same when a neighbour list overflows).
    private func addLink(from slot: UInt32, to target: UInt32, score: Float, level: Int) {
        var links = currentLinks(of: slot, at: level)
        if links.count < capacity(at: level) {
            links.append(target)
            setLinks(of: slot, at: level, to: links)
            return
        }
        withView { graph in
            let base = graph.vector(slot)
            var candidates = links.map { (score: innerProduct(base, graph.vector($0), dimension), slot: $0) }
            candidates.append((score, target))
            candidates.sort { $0.score > $1.score || ($0.score == $1.score && $0.slot < $1.slot) }
            let selected = selectNeighbors(graph, candidates: candidates, limit: capacity(at: level))
            setLinks(of: slot, at: level, to: selected.map(\.slot))
        }
    }

    /// A view of the current buffers; valid until the next `add` (which may reallocate them).
    func withView<R, E: Error>(_ body: (GraphView) throws(E) -> R) throws(E) -> R {
        try body(GraphView(
            vectors: UnsafePointer(vectors.pointer), level0: UnsafePointer(level0.pointer),
            nodes: UnsafePointer(nodes.pointer), upper: UnsafePointer(upper.pointer), upperCount: upper.count,
            count: count, dimension: dimension,
            connectivity: configuration.connectivity, baseConnectivity: configuration.baseConnectivity
        ))
    }

    /// Search the graph being built (tests compare it with the written file).
    public func search(_ query: [Float], k: Int, ef: Int? = nil) -> [SearchHit] {
        query.withUnsafeBufferPointer { query in
            withView { graph in
                guard let base = query.baseAddress else { return [] }
                return GraphSearch.search(graph, query: base, k: k, ef: ef ?? configuration.expansionSearch, entryPoint: entryPoint, maxLevel: maxLevel, scratch: SearchScratch(capacity: count))
            }
        }
    }

    /// The finished graph's buffers, for the writer.
    var layout: (vectors: UnsafeBufferPointer<Float>, level0: UnsafeBufferPointer<UInt32>, nodes: UnsafeBufferPointer<UInt32>, upper: UnsafeBufferPointer<UInt32>) {
        (vectors.buffer, level0.buffer, nodes.buffer, upper.buffer)
    }
}

/// SplitMix64: a tiny, seedable, well-mixed generator (levels must be reproducible; the
/// benchmarks' generated data too).
public struct SplitMix64: Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension HNSWBuilder {
    /// Structural checks after a build (tests, debugging): links in range, no self-links, no
    /// duplicates, degrees within M/M0, levels consistent with the entry point.
    public func _checkInvariants() throws(IndexFileError) {
        try withView { graph throws(IndexFileError) in
            for slot in 0..<UInt32(count) {
                let level = graph.level(of: slot)
                guard level <= maxLevel else { throw IndexFileError(.corrupt, "node \(slot) is above the max level") }
                for lc in 0...level {
                    let (links, degree) = graph.links(of: slot, at: lc)
                    let list = Array(UnsafeBufferPointer(start: links, count: degree))
                    guard Set(list).count == list.count, !list.contains(slot), list.allSatisfy({ Int($0) < count && graph.level(of: $0) >= lc }) else {
                        throw IndexFileError(.corrupt, "node \(slot) has bad links at level \(lc): \(list)")
                    }
                    if count > 1 && lc == 0 && degree == 0 { throw IndexFileError(.corrupt, "node \(slot) is isolated") }
                }
            }
            if count > 0 && graph.level(of: entryPoint) != maxLevel { throw IndexFileError(.corrupt, "entry point is not on the top level") }
        }
    }
}
