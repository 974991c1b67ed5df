import Foundation
public import VectorIndex

/// One earlier turn of a conversation, oldest first.
public struct Turn: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable { case user, assistant }
    public var role: Role
    public var content: String
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// What a retrieval searches with: the question and the earlier turns it may depend on, turned
/// into a dense text and weighted lexical terms by a fixed, deterministic rule (no LLM).
///
/// Rule (chosen on `corpora/dev-conversations.jsonl`, see the README): the last
/// `RetrievalSettings.contextTurns` user turns are the context. The dense query is the
/// question's own vector plus `contextWeight` × the vector of "context + question", normalised;
/// the lexical query is the question's terms at weight 1 plus each context turn's terms at
/// `contextTermWeight` (halved for each older turn). A question that changes the subject keeps
/// its own terms and vector dominant, so context costs it little; a follow-up ("and for
/// teenagers?") borrows the topic it lacks.
public struct ConversationQuery: Sendable, Hashable {
    /// Questions and turns are cut to this many characters (a 4,000-character question is fine;
    /// a pasted book is not a question).
    public static let maxCharacters = 4_000
    /// At most this many turns are accepted; only the last few user turns are used.
    public static let maxTurns = 100

    public var question: String
    public var context: [Turn]

    public init(question: String, context: [Turn] = []) {
        self.question = Self.bounded(question.trimmingCharacters(in: .whitespacesAndNewlines))
        self.context = context.suffix(Self.maxTurns).map { Turn(role: $0.role, content: Self.bounded($0.content)) }
    }

    static func bounded(_ text: String) -> String {
        text.count <= maxCharacters ? text : String(text.prefix(maxCharacters))
    }

    /// The user turns used as context, most recent last.
    public func contextTurns(_ settings: RetrievalSettings) -> [String] {
        let users = context.filter { $0.role == .user }.map(\.content).filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        return Array(users.suffix(settings.contextTurns))
    }

    /// How much a question leans on its conversation, 0…1: 1 when it refers back ("and…",
    /// "what about…", "it", "them", "there"…) or has at most two content words; 0.5 with three;
    /// else `selfContainedShare` (a full question that changes the subject keeps most of its
    /// own ranking). Scales every context weight.
    public func dependence(_ analyzer: LexicalAnalyzer, settings: RetrievalSettings) -> Float {
        let words = question.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "'" }).map(String.init)
        if let first = words.first, Self.continuations.contains(first) { return 1 }
        if words.contains(where: Self.references.contains) { return 1 }
        if words.count >= 2, ["what about", "how about"].contains(words[0] + " " + words[1]) { return 1 }
        switch Set(analyzer.terms(question)).count {
        case ...2: return 1
        case 3: return 0.5
        default: return settings.selfContainedShare
        }
    }

    static let continuations: Set<String> = ["and", "also", "but", "or", "plus", "then", "so"]
    static let references: Set<String> = ["it", "its", "it's", "them", "they", "their", "that", "those", "these", "this", "there", "one", "ones", "he", "she", "him", "her", "same"]

    /// The text embedded together with the question when there is context, and reported as the
    /// retrieval query: the context turns then the question. Without context, the question.
    public func contextualText(_ settings: RetrievalSettings) -> String {
        (contextTurns(settings) + [question]).joined(separator: "\n")
    }

    /// The weight of a number's other spelling, relative to the term it stands for.
    static let aliasWeight: Float = 0.5

    /// A text's terms with their weights: 1 each, but the n terms of one compound written
    /// without spaces ("10-3-2-1-0", "6:30") share 1 between them — a compound is one thing
    /// asked about, and its parts would otherwise outweigh the rest of the question.
    static func weightedTerms(_ text: String, _ analyzer: LexicalAnalyzer) -> [(String, Float)] {
        var result: [(String, Float)] = []
        var compound: [String] = []
        var compoundEnd = -1
        func flush() {
            for term in compound { result.append((term, 1 / Float(compound.count))) }
            compound.removeAll()
        }
        for word in analyzer.words(text) {
            if word.start != compoundEnd { flush() }
            compoundEnd = word.end
            if let term = word.term { compound.append(term) }
        }
        flush()
        return result
    }

    /// The weighted lexical terms: the question's own at 1 (compounds shared, number words
    /// also as digits and digits as words at `aliasWeight`), context turns' at lower weights.
    public func lexicalTerms(_ analyzer: LexicalAnalyzer, settings: RetrievalSettings) -> [WeightedTerm] {
        let dependence = dependence(analyzer, settings: settings)
        var weights: [String: Float] = [:]
        var order: [String] = []
        func add(_ term: String, _ weight: Float) {
            if weights[term] == nil { order.append(term) }
            weights[term, default: 0] += weight
        }
        for (term, weight) in Self.weightedTerms(question, analyzer) { add(term, weight) }
        // The other spelling of a number ("first week" → "week 1", "2 sets" → "two sets").
        for (term, weight) in weights { if let alias = NumberWords.alias(of: term), weights[alias] == nil { add(alias, Self.aliasWeight * weight) } }
        let turns = contextTurns(settings)
        for (age, turn) in turns.reversed().enumerated() {
            let weight = dependence * settings.contextTermWeight / Float(1 << min(age, 20))
            // A context term counts once per turn, and never more than a question term.
            for term in Set(analyzer.terms(turn)).sorted() where (weights[term] ?? 0) < 1 { add(term, weight) }
        }
        return order.map { WeightedTerm($0, weight: weights[$0] ?? 0) }
    }
}

