public import Foundation

/// The BERT uncased WordPiece tokenizer — the tokenizer of all-MiniLM-L6-v2 and
/// nomic-embed-text — with offsets back into the original text.
///
/// It reproduces HuggingFace tokenizers' `BertNormalizer` + `BertPreTokenizer` + `WordPiece`
/// (the reference the fixtures were made with): special-token literals (`[CLS]`, `[SEP]`,
/// `[MASK]`, `[PAD]`, `[UNK]`) are matched in the raw text first; clean-up, CJK spacing, accent
/// stripping, lower-casing and the punctuation split come from `BertNormalizer`; each word is cut
/// greedily into the longest vocabulary pieces (`##` continuations); a word longer than 100
/// scalars after normalisation, or with any unmatchable position, is one `[UNK]`.
///
/// It works on Unicode scalars, never `Character`s, and offsets are scalar indices of the input.
/// Immutable after init, so one instance serves any number of threads.
public final class WordPieceTokenizer: Sendable {
    public static let padID: Int32 = 0
    public static let unknownID: Int32 = 100
    public static let clsID: Int32 = 101
    public static let sepID: Int32 = 102
    public static let maskID: Int32 = 103
    /// Longer words (in scalars, after normalisation) become one `[UNK]`.
    public static let maxInputCharsPerWord = 100

    private let vocabulary: Vocabulary
    private let normalizer: BertNormalizer
    private let asciiClass: [UInt8]
    private let specialTokens: [(scalars: [Unicode.Scalar], id: Int32)]

    public var vocabularySize: Int { vocabulary.pieces.count }

    /// The tokenizer with the vocabulary shipped in this package (bert-base-uncased's 30,522
    /// pieces, from all-MiniLM-L6-v2). Loaded once per process.
    public static func bundled() throws(TokenizationError) -> WordPieceTokenizer {
        try bundledResult.get()
    }

    private static let bundledResult: Result<WordPieceTokenizer, TokenizationError> = {
        do {
            guard let vocabURL = Bundle.module.url(forResource: "vocab", withExtension: "txt") else {
                throw TokenizationError.resourceMissing("vocab.txt")
            }
            return .success(try WordPieceTokenizer(vocabularyFile: vocabURL))
        } catch let error as TokenizationError {
            return .failure(error)
        } catch {
            return .failure(.resourceMissing("vocab.txt"))
        }
    }()

    /// `vocabulary[id]` is the piece with that id (vocab.txt line order).
    public init(vocabulary: [String]) throws(TokenizationError) {
        guard vocabulary.count > Int(Self.maskID) else {
            throw .malformedVocabulary("(in memory)", "only \(vocabulary.count) entries")
        }
        guard let tableURL = Bundle.module.url(forResource: "bert_normalizer_table", withExtension: "tsv"),
              let table = try? String(contentsOf: tableURL, encoding: .utf8) else {
            throw .resourceMissing("bert_normalizer_table.tsv")
        }
        self.vocabulary = Vocabulary(pieces: vocabulary)
        self.normalizer = try BertNormalizer(table: table)
        var asciiClass = [UInt8](repeating: 0, count: 128)
        for value in 0..<128 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            switch normalizer.action(for: scalar) {
            case .keep: asciiClass[value] = 0
            case .remove: asciiClass[value] = 1
            case .space: asciiClass[value] = 2
            case .isolated: asciiClass[value] = 3
            case .map(let mapped) where mapped.count == 1 && mapped[0].scalar.value == UInt32(value) + 32 && !mapped[0].isolated:
                asciiClass[value] = 4
            default: asciiClass[value] = 5  // never for this table; handled by the general path
            }
        }
        self.asciiClass = asciiClass
        self.specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { literal in
            guard let id = vocabulary.firstIndex(of: literal) else { return nil }
            return (Array(literal.unicodeScalars), Int32(id))
        }
    }

    public convenience init(vocabularyFile: URL) throws(TokenizationError) {
        guard let text = try? String(contentsOf: vocabularyFile, encoding: .utf8) else {
            throw .malformedVocabulary(vocabularyFile.path, "cannot be read as UTF-8")
        }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        try self.init(vocabulary: lines)
    }

    /// The piece a token id stands for (`##` included for continuations).
    public func piece(for id: Int32) -> String {
        let index = Int(id)
        return vocabulary.pieces.indices.contains(index) ? vocabulary.pieces[index] : "[UNK]"
    }

    /// The id of a piece as written in vocab.txt, if it is one.
    public func id(for piece: String) -> Int32? { vocabulary.id(of: piece) }

    /// The tokens of `text`, without `[CLS]`/`[SEP]`.
    public func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(text.utf8.count / 4)
        var word = WordBuffer()
        let scalars = Array(text.unicodeScalars)
        scalars.withUnsafeBufferPointer { input in
            var index = 0
            let count = input.count
            while index < count {
                let scalar = input[index]
                let value = scalar.value
                if value < 128 {
                    switch asciiClass[Int(value)] {
                    case 0:
                        word.append(scalar, origin: index)
                    case 4:
                        word.append(Unicode.Scalar(UInt8(value + 32)), origin: index)
                    case 1:
                        break
                    case 2:
                        flush(&word, into: &tokens)
                    case 3:
                        if value == 0x5B, let (id, length) = special(at: index, in: input) {
                            flush(&word, into: &tokens)
                            tokens.append(Token(id: id, start: index, end: index + length, isContinuation: false))
                            index += length
                            continue
                        }
                        flush(&word, into: &tokens)
                        word.append(scalar, origin: index)
                        flush(&word, into: &tokens)
                    default:
                        general(scalar, at: index, word: &word, tokens: &tokens)
                    }
                } else {
                    general(scalar, at: index, word: &word, tokens: &tokens)
                }
                index += 1
            }
        }
        flush(&word, into: &tokens)
        return tokens
    }

    /// `[CLS] tokens [SEP]` ids, as the model sees a single sequence.
    public func encodeWithSpecialTokens(_ text: String) -> [Int32] {
        [Self.clsID] + tokenize(text).map(\.id) + [Self.sepID]
    }

    // MARK: Internals

    private func general(_ scalar: Unicode.Scalar, at index: Int, word: inout WordBuffer, tokens: inout [Token]) {
        switch normalizer.action(for: scalar) {
        case .keep:
            word.append(scalar, origin: index)
        case .remove:
            break
        case .space:
            flush(&word, into: &tokens)
        case .isolated:
            flush(&word, into: &tokens)
            word.append(scalar, origin: index)
            flush(&word, into: &tokens)
        case .map(let mapped):
            for (result, isolated) in mapped {
                if isolated {
                    flush(&word, into: &tokens)
                    word.append(result, origin: index)
                    flush(&word, into: &tokens)
                } else if result == " " {
                    flush(&word, into: &tokens)
                } else {
                    word.append(result, origin: index)
                }
            }
        case .hangul:
            for jamo in BertNormalizer.decomposeHangul(scalar) { word.append(jamo, origin: index) }
        }
    }

    private func special(at index: Int, in input: UnsafeBufferPointer<Unicode.Scalar>) -> (Int32, Int)? {
        for (literal, id) in specialTokens where index + literal.count <= input.count {
            if input[index..<(index + literal.count)].elementsEqual(literal) { return (id, literal.count) }
        }
        return nil
    }

    /// WordPiece on the buffered word, then clears it.
    private func flush(_ word: inout WordBuffer, into tokens: inout [Token]) {
        let length = word.scalars.count
        guard length > 0 else { return }
        defer { word.removeAll() }
        let wordStart = word.origins[0], wordEnd = word.origins[length - 1] + 1
        if length > Self.maxInputCharsPerWord {
            tokens.append(Token(id: Self.unknownID, start: wordStart, end: wordEnd, isContinuation: false))
            return
        }
        let firstNew = tokens.count
        let matched: Bool = word.scalars.withUnsafeBufferPointer { scalars in
            var start = 0
            var hashes = [UInt64](repeating: 0, count: vocabulary.maxPieceLength)
            while start < length {
                let continuation = start > 0
                let limit = min(length, start + vocabulary.maxPieceLength)
                var hash = Vocabulary.seed(continuation)
                for k in start..<limit {
                    hash = Vocabulary.mix(hash, scalars[k])
                    hashes[k - start] = hash
                }
                var end = limit
                var found: Int32?
                while end > start {
                    if let id = vocabulary.id(hash: hashes[end - start - 1], word: scalars, range: start..<end, continuation: continuation) {
                        found = id
                        break
                    }
                    end -= 1
                }
                guard let id = found else { return false }
                tokens.append(Token(id: id, start: word.origins[start], end: word.origins[end - 1] + 1, isContinuation: continuation))
                start = end
            }
            return true
        }
        if !matched {
            tokens.removeSubrange(firstNew...)
            tokens.append(Token(id: Self.unknownID, start: wordStart, end: wordEnd, isContinuation: false))
        }
    }
}

/// The normalised scalars of the word being read, each with the index of the input scalar it
/// came from.
private struct WordBuffer {
    var scalars: [Unicode.Scalar] = []
    var origins: [Int] = []

    init() {
        scalars.reserveCapacity(64)
        origins.reserveCapacity(64)
    }

    @inline(__always) mutating func append(_ scalar: Unicode.Scalar, origin: Int) {
        scalars.append(scalar)
        origins.append(origin)
    }

    mutating func removeAll() {
        scalars.removeAll(keepingCapacity: true)
        origins.removeAll(keepingCapacity: true)
    }
}
