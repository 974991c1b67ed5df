/// Raw, read-only access to an HNSW graph laid out as in the index file: the builder's heap
/// buffers and a file mapping both present this view, so one search routine serves both.
///
/// - `vectors`: `count` rows of `dimension` Float32.
/// - `level0`: per node, `1 + baseConnectivity` UInt32: the link count, then the links.
/// - `nodes`: per node, two UInt32: its top level, and the offset (in UInt32 words) of its
///   upper-level blocks in `upper`.
/// - `upper`: per node with level ≥ 1, one block of `1 + connectivity` UInt32 per level 1…L.
struct GraphView {
    var vectors: UnsafePointer<Float>
    var level0: UnsafePointer<UInt32>
    var nodes: UnsafePointer<UInt32>
    var upper: UnsafePointer<UInt32>
    /// UInt32 words in `upper` (bounds for links read from a file).
    var upperCount: Int
    var count: Int
    var dimension: Int
    var connectivity: Int
    var baseConnectivity: Int

    @inline(__always) func vector(_ slot: UInt32) -> UnsafePointer<Float> {
        vectors + Int(slot) * dimension
    }

    @inline(__always) func level(of slot: UInt32) -> Int {
        Int(nodes[Int(slot) * 2])
    }

    /// The links of `slot` at `level` (first element) and how many there are. Counts and
    /// offsets read from a file are clamped to the layout, so a corrupt file cannot make a
    /// search read outside the mapping.
    @inline(__always) func links(of slot: UInt32, at level: Int) -> (UnsafePointer<UInt32>, Int) {
        if level == 0 {
            let block = level0 + Int(slot) * (1 + baseConnectivity)
            return (block + 1, min(Int(block[0]), baseConnectivity))
        }
        let offset = Int(nodes[Int(slot) * 2 + 1]) + (level - 1) * (1 + connectivity)
        guard level <= self.level(of: slot), offset + 1 + connectivity <= upperCount else { return (level0, 0) }
        let block = upper + offset
        return (block + 1, min(Int(block[0]), connectivity))
    }
}

/// Per-search scratch: a visited set with generation stamps (no clearing between searches)
/// and the two heaps. Used by one search at a time (pooled by `MappedIndex`), never shared.
final class SearchScratch: @unchecked Sendable {
    private var stamps: UnsafeMutablePointer<UInt16>
    private var capacity: Int
    private var generation: UInt16 = 0
    var candidates = ScoredHeap(kind: .max)
    var results = ScoredHeap(kind: .min)

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        stamps = .allocate(capacity: self.capacity)
        stamps.initialize(repeating: 0, count: self.capacity)
    }

    deinit { stamps.deallocate() }

    /// Starts a new search over `count` nodes.
    func reset(count: Int) {
        if capacity < count {
            stamps.deallocate()
            capacity = count
            stamps = .allocate(capacity: count)
            stamps.initialize(repeating: 0, count: count)
            generation = 0
        }
        generation &+= 1
        if generation == 0 {
            stamps.update(repeating: 0, count: capacity)
            generation = 1
        }
        candidates.removeAll()
        results.removeAll()
    }

    /// Marks `slot` visited; false when it already was. Callers check `slot < count` first.
    @inline(__always) func visit(_ slot: UInt32) -> Bool {
        if stamps[Int(slot)] == generation { return false }
        stamps[Int(slot)] = generation
        return true
    }
}

/// A binary heap of (score, slot) pairs: `.max` pops the best score first, `.min` the worst.
struct ScoredHeap {
    enum Kind { case max, min }
    let kind: Kind
    private(set) var scores: [Float] = []
    private(set) var slots: [UInt32] = []

    init(kind: Kind) {
        self.kind = kind
        scores.reserveCapacity(512)
        slots.reserveCapacity(512)
    }

    var count: Int { scores.count }
    var isEmpty: Bool { scores.isEmpty }
    var topScore: Float { scores[0] }
    var topSlot: UInt32 { slots[0] }

    mutating func removeAll() {
        scores.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
    }

    @inline(__always) private func above(_ a: Float, _ b: Float) -> Bool { kind == .max ? a > b : a < b }

    mutating func push(_ score: Float, _ slot: UInt32) {
        scores.append(score)
        slots.append(slot)
        var child = scores.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard above(scores[child], scores[parent]) else { break }
            scores.swapAt(child, parent)
            slots.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func pop() -> (score: Float, slot: UInt32) {
        let top = (scores[0], slots[0])
        let lastScore = scores.removeLast(), lastSlot = slots.removeLast()
        if !scores.isEmpty {
            scores[0] = lastScore
            slots[0] = lastSlot
            var parent = 0
            let n = scores.count
            while true {
                let left = 2 * parent + 1
                if left >= n { break }
                var best = left
                if left + 1 < n && above(scores[left + 1], scores[left]) { best = left + 1 }
                guard above(scores[best], scores[parent]) else { break }
                scores.swapAt(best, parent)
                slots.swapAt(best, parent)
                parent = best
            }
        }
        return top
    }

    /// All entries, best score first.
    func sortedDescending() -> [(score: Float, slot: UInt32)] {
        zip(scores, slots).map { ($0, $1) }.sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    }
}
