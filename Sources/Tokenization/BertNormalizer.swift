import Foundation

/// What BERT's normaliser and pre-tokenizer do to each Unicode scalar, read from
/// `bert_normalizer_table.tsv` (generated from HuggingFace tokenizers, whose Unicode tables are
/// older than Swift's: the table, not Swift's character properties, is the source of truth).
///
/// Clean-up (controls, zero-width characters removed; white space becomes a boundary), CJK
/// spacing, accent stripping (NFD, drop Mn), lower-casing and the punctuation split are all
/// folded into one per-scalar action.
struct BertNormalizer: Sendable {
    enum Action: Sendable, Equatable {
        /// Kept as is, part of a word.
        case keep
        /// Dropped (controls, format characters, combining marks after NFD).
        case remove
        /// A word boundary.
        case space
        /// A word of its own (punctuation, CJK ideographs).
        case isolated
        /// Replaced by these scalars; `isolated` marks results that split as punctuation.
        case map([(scalar: Unicode.Scalar, isolated: Bool)])
        /// A Hangul syllable: its algorithmic NFD jamo.
        case hangul

        static func == (lhs: Action, rhs: Action) -> Bool {
            switch (lhs, rhs) {
            case (.keep, .keep), (.remove, .remove), (.space, .space), (.isolated, .isolated), (.hangul, .hangul): true
            case (.map(let a), .map(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.scalar == $1.scalar && $0.isolated == $1.isolated }
            default: false
            }
        }
    }

    /// Direct table for ASCII, the common case.
    private let ascii: [Action]
    /// Sorted, non-overlapping ranges for everything else.
    private let starts: [UInt32]
    private let ends: [UInt32]
    private let actions: [Action]

    init(table: String) throws(TokenizationError) {
        var rows: [(UInt32, UInt32, Action)] = []
        for (number, line) in table.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3, let start = UInt32(fields[0], radix: 16), let end = UInt32(fields[1], radix: 16) else {
                throw .malformedNormalizerTable(line: number + 1, "expected start, end, kind")
            }
            let action: Action
            switch fields[2] {
            case "remove": action = .remove
            case "space": action = .space
            case "punct", "cjk": action = .isolated
            case "hangul_nfd": action = .hangul
            case "map":
                var mapped: [(Unicode.Scalar, Bool)] = []
                for item in (fields.count > 3 ? fields[3] : "").split(separator: " ") {
                    let isolated = item.hasSuffix("p")
                    guard let value = UInt32(isolated ? item.dropLast() : item, radix: 16), let scalar = Unicode.Scalar(value) else {
                        throw .malformedNormalizerTable(line: number + 1, "bad mapping \(item)")
                    }
                    mapped.append((scalar, isolated))
                }
                action = .map(mapped)
            default:
                throw .malformedNormalizerTable(line: number + 1, "unknown kind \(fields[2])")
            }
            rows.append((start, end, action))
        }
        rows.sort { $0.0 < $1.0 }
        var ascii = [Action](repeating: .keep, count: 128)
        for (start, end, action) in rows where start < 128 {
            for value in start...min(end, 127) { ascii[Int(value)] = action }
        }
        self.ascii = ascii
        self.starts = rows.map(\.0)
        self.ends = rows.map(\.1)
        self.actions = rows.map(\.2)
    }

    @inline(__always)
    func action(for scalar: Unicode.Scalar) -> Action {
        let value = scalar.value
        if value < 128 { return ascii[Int(value)] }
        var low = 0, high = starts.count - 1
        while low <= high {
            let mid = (low + high) >> 1
            if starts[mid] > value {
                high = mid - 1
            } else if ends[mid] < value {
                low = mid + 1
            } else {
                return actions[mid]
            }
        }
        return .keep
    }

    /// The algorithmic NFD of a precomposed Hangul syllable (Unicode §3.12).
    static func decomposeHangul(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        let index = scalar.value - 0xAC00
        let lead = 0x1100 + index / 588
        let vowel = 0x1161 + (index % 588) / 28
        let trail = index % 28
        var result: [Unicode.Scalar] = [Unicode.Scalar(lead) ?? "\u{FFFD}", Unicode.Scalar(vowel) ?? "\u{FFFD}"]
        if trail != 0, let jamo = Unicode.Scalar(0x11A7 + trail) { result.append(jamo) }
        return result
    }
}
