/// One WordPiece token: its vocabulary id and its span `[start, end)` in Unicode-scalar offsets
/// of the original text.
public struct Token: Sendable, Hashable {
    public var id: Int32
    public var start: Int
    public var end: Int
    /// True for `##` continuation pieces (the token continues the previous word).
    public var isContinuation: Bool

    public init(id: Int32, start: Int, end: Int, isContinuation: Bool) {
        self.id = id
        self.start = start
        self.end = end
        self.isContinuation = isContinuation
    }
}

/// Why the tokenizer could not be built.
public enum TokenizationError: Error, Sendable, Hashable, CustomStringConvertible {
    case resourceMissing(String)
    case malformedVocabulary(String, String)
    case malformedNormalizerTable(line: Int, String)

    public var description: String {
        switch self {
        case .resourceMissing(let name):
            "the tokenizer resource \(name) is missing from the build; rebuild coachrag"
        case .malformedVocabulary(let file, let reason):
            "vocabulary \(file) is not a WordPiece vocab.txt: \(reason)"
        case .malformedNormalizerTable(let line, let reason):
            "normalizer table line \(line): \(reason)"
        }
    }
}
