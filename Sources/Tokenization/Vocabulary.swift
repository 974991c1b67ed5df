/// The WordPiece vocabulary as a hash table over Unicode scalars, so the greedy matcher probes
/// candidate pieces without building a `String` for each one. Keys compare scalar by scalar
/// (exactly as the reference compares bytes), never by canonical equivalence.
struct Vocabulary: Sendable {
    /// `pieces[id]` as it appears in vocab.txt.
    let pieces: [String]
    /// Longest piece (continuation prefix excluded), in scalars: no probe is longer.
    let maxPieceLength: Int
    private let table: [UInt64: [Int32]]
    private let scalars: [[Unicode.Scalar]]
    private let isContinuation: [Bool]

    init(pieces: [String]) {
        self.pieces = pieces
        var table: [UInt64: [Int32]] = [:]
        var scalars: [[Unicode.Scalar]] = []
        var continuation: [Bool] = []
        var longest = 0
        scalars.reserveCapacity(pieces.count)
        for (id, piece) in pieces.enumerated() {
            let (body, isContinuation) = Self.split(piece)
            scalars.append(body)
            continuation.append(isContinuation)
            longest = max(longest, body.count)
            var hash = Self.seed(isContinuation)
            for scalar in body { hash = Self.mix(hash, scalar) }
            table[hash, default: []].append(Int32(id))
        }
        self.table = table
        self.scalars = scalars
        self.isContinuation = continuation
        self.maxPieceLength = longest
    }

    @inline(__always) static func seed(_ continuation: Bool) -> UInt64 {
        continuation ? 0x84222325cbf29ce4 : 0xcbf29ce484222325
    }

    @inline(__always) static func mix(_ hash: UInt64, _ scalar: Unicode.Scalar) -> UInt64 {
        (hash ^ UInt64(scalar.value)) &* 0x100000001b3
    }

    /// The id of `word[range]` (as a continuation piece when `continuation`), given its hash.
    @inline(__always)
    func id(hash: UInt64, word: UnsafeBufferPointer<Unicode.Scalar>, range: Range<Int>, continuation: Bool) -> Int32? {
        guard let candidates = table[hash] else { return nil }
        for id in candidates where isContinuation[Int(id)] == continuation {
            let piece = scalars[Int(id)]
            if piece.count == range.count && piece.withUnsafeBufferPointer({ $0.elementsEqual(word[range]) }) {
                return id
            }
        }
        return nil
    }

    /// A piece's scalars without the `##` prefix, and whether it had one. By scalars, not
    /// Characters: in `##ि` the mark joins the second `#` into one Character.
    static func split(_ piece: String) -> (body: [Unicode.Scalar], isContinuation: Bool) {
        let scalars = Array(piece.unicodeScalars)
        if scalars.count > 2 && scalars[0] == "#" && scalars[1] == "#" { return (Array(scalars[2...]), true) }
        return (scalars, false)
    }

    func id(of piece: String) -> Int32? {
        let (body, isContinuation) = Self.split(piece)
        var hash = Self.seed(isContinuation)
        for scalar in body { hash = Self.mix(hash, scalar) }
        return body.withUnsafeBufferPointer { id(hash: hash, word: $0, range: 0..<body.count, continuation: isContinuation) }
    }
}
