public import Retrieval

/// The outcome of one ingest run; `ingest --json` prints it as one object.
public struct IngestReport: Sendable, Encodable {
    public struct FailedFile: Sendable, Encodable {
        public var path: String
        public var code: String
        public var message: String
    }
    /// A file that was read, with something its owner should know (its name claims another
    /// format than its content).
    public struct FileWarning: Sendable, Encodable {
        public var path: String
        public var message: String
    }
    public struct Files: Sendable, Encodable {
        public var ok = 0
        public var failed: [FailedFile] = []
        public var warnings: [FileWarning] = []
    }
    public struct Embeddings: Sendable, Encodable {
        public var computed = 0
        public var reused = 0
    }

    public var creator: String
    /// The new version's file name, or nil when nothing was published.
    public var published: String?
    /// True when the sources and configuration match the live index and nothing was rebuilt.
    public var upToDate = false
    public var files = Files()
    public var pages = 0
    public var chunks = 0
    public var tokens = 0
    public var embeddings = Embeddings()
    public var seconds: [String: Double] = [:]
    /// The evaluation gate's outcome, when the pipeline has one.
    public var evaluation: GateOutcome?

    /// What the evaluation gate measured: the new version's figures, the live version's recall@5
    /// (nil when nothing was live or it could not be evaluated), and the verdict.
    public struct GateOutcome: Sendable, Encodable {
        public var passed: Bool
        public var reason: String?
        public var recallAt5: Double
        public var liveRecallAt5: Double?
        public var report: EvaluationReport

        enum CodingKeys: String, CodingKey { case passed, reason, recallAt5 = "recall_at_5", liveRecallAt5 = "live_recall_at_5", report }
    }

    enum CodingKeys: String, CodingKey {
        case creator, published, upToDate = "up_to_date", files, pages, chunks, tokens, embeddings, seconds, evaluation
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(creator, forKey: .creator)
        try container.encode(published, forKey: .published)
        try container.encode(upToDate, forKey: .upToDate)
        try container.encode(files, forKey: .files)
        try container.encode(pages, forKey: .pages)
        try container.encode(chunks, forKey: .chunks)
        try container.encode(tokens, forKey: .tokens)
        try container.encode(embeddings, forKey: .embeddings)
        try container.encode(seconds, forKey: .seconds)
        try container.encodeIfPresent(evaluation, forKey: .evaluation)
    }
}

/// What `ingest --check` found.
public struct CheckReport: Sendable {
    public var upToDate: Bool
    public var differences: [String]
}
