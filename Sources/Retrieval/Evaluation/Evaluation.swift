import Foundation
public import VectorIndex

/// Retrieval quality of an index on a question file: the figures `coachrag eval` prints and
/// ingest's evaluation gate compares.
///
/// - recall@k: the answer document is among the top k hits;
/// - span hit@k: the answer span (whitespace-collapsed, case-insensitive) is inside one of the
///   top k hits' text (questions without a span: the answer document is);
/// - MRR@10: 1 / rank of the first hit from the answer document (0 beyond 10);
/// - nDCG@10: binary relevance (a hit from the answer document), ideal = all of its chunks first;
/// - page accuracy: the top hit is from the answer document and its excerpt's pages include
///   `answer_page`, or its excerpt quotes the answer span (a statement a handout repeats on a
///   summary page is on both pages), over questions that name a page.
public struct EvaluationReport: Sendable, Codable {
    /// The figures of one group of questions (all of them, or one kind).
    public struct Figures: Sendable, Codable {
        public var questions: Int
        public var recallAtK: Double
        public var spanHitAtK: Double
        public var mrrAt10: Double
        public var ndcgAt10: Double
        public var pageAccuracy: Double?

        enum CodingKeys: String, CodingKey {
            case questions, recallAtK = "recall_at_k", spanHitAtK = "span_hit_at_k", mrrAt10 = "mrr_at_10", ndcgAt10 = "ndcg_at_10", pageAccuracy = "page_accuracy"
        }
    }

    /// A question whose answer document is not the top hit.
    public struct Miss: Sendable, Codable {
        public var id: String
        public var question: String
        public var kind: String
        public var expected: String
        /// Rank of the first hit from the answer document (nil: not in the top 10).
        public var rank: Int?
        public var top: String?
        public var query: String
    }

    public var questions: Int
    public var k: Int
    public var overall: Figures
    public var byKind: [String: Figures]
    public var misses: [Miss]

    enum CodingKeys: String, CodingKey {
        case questions, k, recallAtK = "recall_at_k", spanHitAtK = "span_hit_at_k", mrrAt10 = "mrr_at_10", ndcgAt10 = "ndcg_at_10",
             pageAccuracy = "page_accuracy", byKind = "by_kind", misses
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(questions, forKey: .questions)
        try container.encode(k, forKey: .k)
        try container.encode(overall.recallAtK, forKey: .recallAtK)
        try container.encode(overall.spanHitAtK, forKey: .spanHitAtK)
        try container.encode(overall.mrrAt10, forKey: .mrrAt10)
        try container.encode(overall.ndcgAt10, forKey: .ndcgAt10)
        try container.encode(overall.pageAccuracy, forKey: .pageAccuracy)
        try container.encode(byKind, forKey: .byKind)
        try container.encode(misses, forKey: .misses)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        questions = try container.decode(Int.self, forKey: .questions)
        k = try container.decode(Int.self, forKey: .k)
        overall = Figures(questions: questions, recallAtK: try container.decode(Double.self, forKey: .recallAtK),
                          spanHitAtK: try container.decode(Double.self, forKey: .spanHitAtK), mrrAt10: try container.decode(Double.self, forKey: .mrrAt10),
                          ndcgAt10: try container.decode(Double.self, forKey: .ndcgAt10), pageAccuracy: try container.decodeIfPresent(Double.self, forKey: .pageAccuracy))
        byKind = try container.decode([String: Figures].self, forKey: .byKind)
        misses = try container.decode([Miss].self, forKey: .misses)
    }

    init(questions: Int, k: Int, overall: Figures, byKind: [String: Figures], misses: [Miss]) {
        self.questions = questions
        self.k = k
        self.overall = overall
        self.byKind = byKind
        self.misses = misses
    }
}

/// Runs a question file against an index through `HybridRetriever`.
public struct Evaluator: Sendable {
    public let retriever: HybridRetriever
    public let settings: RetrievalSettings

    public init(retriever: HybridRetriever, settings: RetrievalSettings) {
        self.retriever = retriever
        self.settings = settings
    }

    public func evaluate(_ questions: [EvaluationQuestion], index: MappedIndex, k: Int, embed: QueryEmbedding) async throws -> EvaluationReport {
        let depth = max(k, 10)
        var chunksPerDocument: [String: Int] = [:]
        for slot in 0..<UInt32(index.count) {
            let document = try index.document(at: Int(try index.chunk(at: slot).documentIndex))
            chunksPerDocument[document.path, default: 0] += 1
        }
        var outcomes: [(kind: String, outcome: Outcome)] = []
        var misses: [EvaluationReport.Miss] = []
        for question in questions {
            let query = ConversationQuery(question: question.question, context: question.context ?? [])
            let result = try await retriever.retrieve(query, in: index, k: depth, settings: settings, embed: embed)
            let hits = result.hits
            let relevant = hits.map { question.isAnswer($0.document.path) }
            let firstRank = relevant.firstIndex(of: true).map { $0 + 1 }
            let span = question.answerSpan.map(Self.collapsed)
            let spanHit = hits.prefix(k).contains { hit in
                guard question.isAnswer(hit.document.path) else { return false }
                return span.map { Self.collapsed(hit.chunk.text).contains($0) } ?? true
            }
            let ideal = chunksPerDocument.first { question.isAnswer($0.key) }?.value ?? 1
            var dcg = 0.0, idcg = 0.0
            for (i, isRelevant) in relevant.prefix(10).enumerated() where isRelevant { dcg += 1 / log2(Double(i + 2)) }
            for i in 0..<min(max(ideal, 1), 10) { idcg += 1 / log2(Double(i + 2)) }
            var page: Bool?
            if let answerPage = question.answerPage {
                if let top = hits.first, question.isAnswer(top.document.path) {
                    let onPage = top.excerpt.pageStart.map { ($0...(top.excerpt.pageEnd ?? $0)).contains(answerPage) } ?? false
                    // A statement a handout repeats (a summary page) is on every page it is quoted from.
                    let quotesAnswer = span.map { Self.collapsed(top.excerpt.text).contains($0) } ?? false
                    page = onPage || quotesAnswer
                } else {
                    page = false
                }
            }
            let outcome = Outcome(recall: firstRank.map { $0 <= k } ?? false, span: spanHit, reciprocal: firstRank.map { $0 <= 10 ? 1 / Double($0) : 0 } ?? 0,
                                  ndcg: idcg > 0 ? dcg / idcg : 0, page: page)
            outcomes.append((question.kind ?? "all", outcome))
            if firstRank != 1 {
                misses.append(.init(id: question.id, question: question.question, kind: question.kind ?? "all", expected: question.answerDocument,
                                    rank: firstRank.flatMap { $0 <= 10 ? $0 : nil }, top: hits.first?.document.path, query: result.query))
            }
        }
        var byKind: [String: EvaluationReport.Figures] = [:]
        for kind in Set(outcomes.map(\.kind)) { byKind[kind] = Self.figures(outcomes.filter { $0.kind == kind }.map(\.outcome)) }
        return EvaluationReport(questions: questions.count, k: k, overall: Self.figures(outcomes.map(\.outcome)), byKind: byKind, misses: misses)
    }

    struct Outcome {
        var recall: Bool
        var span: Bool
        var reciprocal: Double
        var ndcg: Double
        var page: Bool?
    }

    static func figures(_ outcomes: [Outcome]) -> EvaluationReport.Figures {
        let n = Double(max(outcomes.count, 1))
        func share(_ predicate: (Outcome) -> Bool) -> Double { round(Double(outcomes.filter(predicate).count) / n) }
        let paged = outcomes.compactMap(\.page)
        return .init(questions: outcomes.count, recallAtK: share(\.recall), spanHitAtK: share(\.span),
                     mrrAt10: round(outcomes.reduce(0) { $0 + $1.reciprocal } / n), ndcgAt10: round(outcomes.reduce(0) { $0 + $1.ndcg } / n),
                     pageAccuracy: paged.isEmpty ? nil : round(Double(paged.filter { $0 }.count) / Double(paged.count)))
    }

    static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    /// Lower-cased, white space collapsed to single spaces.
    static func collapsed(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
