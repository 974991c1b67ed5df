public import Foundation
import Retrieval
import Yams

/// Reads `pipelines/NAME.yml` into a `PipelineConfiguration`. Unknown keys and wrong types are
/// errors naming the file, the line and the key.
///
/// ```yaml
/// creator: demo                 # required: the creator id
/// sources:                      # required: paths, directories or globs (a list or a mapping)
///   paths: [corpora/demo]
///   include: ["*.pdf", "*.docx", "*.txt"]
///   exclude: ["drafts/*"]
/// chunking: {max_tokens: 1000, overlap: 200}
/// embedder: {provider: local, model: all-MiniLM-L6-v2, batch_size: 32, concurrency: 2, host: null}
/// index: {m: 16, ef_construction: 200, ef_search: 64}
/// retention: 5
/// persona: "You are a friendly running coach..."
/// retrieval: {method: hybrid, weight: 0.5, candidates: 50, k: 4, min_confidence: 0.25, ...}
///                               # every key: README; k, min_confidence: serve only
/// evaluation: {questions: corpora/dev-questions.jsonl, min_recall_at_5: 0.9, max_regression: 0.02}
/// ```
public enum PipelineFile {
    public static func load(_ url: URL) throws(PipelineFileError) -> PipelineConfiguration {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw PipelineFileError("\(url.path): cannot read the pipeline file")
        }
        return try parse(text, path: url.path)
    }

    public static func parse(_ text: String, path: String) throws(PipelineFileError) -> PipelineConfiguration {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw PipelineFileError("\(path): the pipeline file is empty") }
            root = node
        } catch let error as PipelineFileError {
            throw error
        } catch {
            throw PipelineFileError("\(path): not valid YAML: \(error)")
        }
        let reader = Reader(path: path)
        let top = try reader.mapping(root, key: "(top level)", allowed: ["creator", "sources", "chunking", "embedder", "index", "retention", "persona", "registration", "retrieval", "evaluation"])
        guard let creatorNode = top["creator"] else { throw PipelineFileError("\(path): missing required key 'creator'") }
        guard let sourcesNode = top["sources"] else { throw PipelineFileError("\(path): missing required key 'sources'") }

        var configuration = PipelineConfiguration(creator: try reader.string(creatorNode, key: "creator"), sources: [])
        if sourcesNode.sequence != nil {
            configuration.sources = try reader.strings(sourcesNode, key: "sources")
        } else {
            let sources = try reader.mapping(sourcesNode, key: "sources", allowed: ["paths", "include", "exclude"])
            guard let paths = sources["paths"] else { throw PipelineFileError("\(path):\(reader.line(sourcesNode)): 'sources' needs 'paths'") }
            configuration.sources = try reader.strings(paths, key: "sources.paths")
            if let include = sources["include"] { configuration.include = try reader.strings(include, key: "sources.include") }
            if let exclude = sources["exclude"] { configuration.exclude = try reader.strings(exclude, key: "sources.exclude") }
        }
        if let node = top["chunking"] {
            let chunking = try reader.mapping(node, key: "chunking", allowed: ["max_tokens", "overlap"])
            if let value = chunking["max_tokens"] { configuration.chunking.maxTokens = try reader.int(value, key: "chunking.max_tokens") }
            if let value = chunking["overlap"] { configuration.chunking.overlap = try reader.int(value, key: "chunking.overlap") }
        }
        if let node = top["embedder"] {
            let embedder = try reader.mapping(node, key: "embedder", allowed: ["provider", "model", "batch_size", "concurrency", "host"])
            if let value = embedder["provider"] {
                let name = try reader.string(value, key: "embedder.provider")
                guard let provider = PipelineConfiguration.EmbedderSettings.Provider(rawValue: name) else {
                    throw PipelineFileError("\(path):\(reader.line(value)): embedder.provider must be local or ollama, not \(name.debugDescription)")
                }
                configuration.embedder.provider = provider
            }
            if let value = embedder["model"] { configuration.embedder.model = try reader.optionalString(value, key: "embedder.model") }
            if let value = embedder["batch_size"] { configuration.embedder.batchSize = try reader.int(value, key: "embedder.batch_size") }
            if let value = embedder["concurrency"] { configuration.embedder.concurrency = try reader.int(value, key: "embedder.concurrency") }
            if let value = embedder["host"] { configuration.embedder.host = try reader.optionalString(value, key: "embedder.host") }
        }
        if let node = top["index"] {
            let index = try reader.mapping(node, key: "index", allowed: ["m", "ef_construction", "ef_search"])
            if let value = index["m"] {
                configuration.index.connectivity = try reader.int(value, key: "index.m")
                configuration.index.baseConnectivity = 2 * configuration.index.connectivity
            }
            if let value = index["ef_construction"] { configuration.index.expansionAdd = try reader.int(value, key: "index.ef_construction") }
            if let value = index["ef_search"] { configuration.index.expansionSearch = try reader.int(value, key: "index.ef_search") }
        }
        if let value = top["retention"] { configuration.retention = try reader.int(value, key: "retention") }
        if let value = top["persona"] { configuration.persona = try reader.optionalString(value, key: "persona") }
        if let value = top["registration"] {
            let policy = try reader.string(value, key: "registration")
            guard PipelineConfiguration.registrationPolicies.contains(policy) else {
                throw PipelineFileError("\(path): registration must be one of \(PipelineConfiguration.registrationPolicies.joined(separator: ", ")), not '\(policy)'")
            }
            configuration.registration = policy
        }
        if let node = top["retrieval"] {
            let fields = try reader.mapping(node, key: "retrieval", allowed: Set(["method", "k", "min_confidence"] + RetrievalSettings.numericKeys))
            for (key, value) in fields {
                switch key {
                case "method":
                    let name = try reader.string(value, key: "retrieval.method")
                    guard let method = RetrievalSettings.Method(rawValue: name) else {
                        throw PipelineFileError("\(path):\(reader.line(value)): retrieval.method must be hybrid, dense or lexical, not \(name.debugDescription)")
                    }
                    configuration.retrieval.method = method
                case "k":
                    let k = try reader.int(value, key: "retrieval.k")
                    guard (1...20).contains(k) else { throw PipelineFileError("\(path):\(reader.line(value)): retrieval.k must be 1 to 20, not \(k)") }
                    configuration.answerPassages = k
                case "min_confidence":
                    let minimum = try reader.number(value, key: "retrieval.min_confidence")
                    guard (0...1).contains(minimum) else { throw PipelineFileError("\(path):\(reader.line(value)): retrieval.min_confidence must be 0 to 1, not \(minimum)") }
                    configuration.minimumConfidence = minimum
                default:
                    _ = configuration.retrieval.set(key, to: try reader.number(value, key: "retrieval.\(key)"))
                }
            }
        }
        if let node = top["evaluation"] {
            let fields = try reader.mapping(node, key: "evaluation", allowed: ["questions", "min_recall_at_5", "max_regression"])
            guard let questions = fields["questions"] else { throw PipelineFileError("\(path):\(reader.line(node)): 'evaluation' needs 'questions'") }
            var gate = PipelineConfiguration.EvaluationGate(questions: URL(fileURLWithPath: try reader.string(questions, key: "evaluation.questions")))
            if let value = fields["min_recall_at_5"] { gate.minimumRecallAt5 = try reader.number(value, key: "evaluation.min_recall_at_5") }
            if let value = fields["max_regression"] { gate.maximumRegression = try reader.number(value, key: "evaluation.max_regression") }
            configuration.evaluation = gate
        }
        do {
            try configuration.validate()
        } catch {
            throw PipelineFileError("\(path): \(error.description)")
        }
        return configuration
    }

    /// Typed access to YAML nodes with file:line in every error.
    struct Reader {
        let path: String

        func line(_ node: Node) -> Int { node.mark?.line ?? 0 }  // Yams marks are 1-based

        func fail(_ node: Node, _ key: String, _ expected: String) -> PipelineFileError {
            PipelineFileError("\(path):\(line(node)): '\(key)' must be \(expected)")
        }

        func mapping(_ node: Node, key: String, allowed: Set<String>) throws(PipelineFileError) -> [String: Node] {
            guard let mapping = node.mapping else { throw fail(node, key, "a mapping") }
            var result: [String: Node] = [:]
            for (keyNode, value) in mapping {
                guard let name = keyNode.scalar?.string else { throw fail(keyNode, key, "a mapping with string keys") }
                guard allowed.contains(name) else {
                    let prefix = key == "(top level)" ? "" : key + "."
                    throw PipelineFileError("\(path):\(line(keyNode)): unknown key '\(prefix)\(name)' (expected one of: \(allowed.sorted().joined(separator: ", ")))")
                }
                result[name] = value
            }
            return result
        }

        func string(_ node: Node, key: String) throws(PipelineFileError) -> String {
            guard let scalar = node.scalar, !isNull(scalar) else { throw fail(node, key, "a string") }
            return scalar.string
        }

        func optionalString(_ node: Node, key: String) throws(PipelineFileError) -> String? {
            guard let scalar = node.scalar else { throw fail(node, key, "a string or null") }
            return isNull(scalar) ? nil : scalar.string
        }

        func int(_ node: Node, key: String) throws(PipelineFileError) -> Int {
            guard let scalar = node.scalar, let value = Int(scalar.string) else { throw fail(node, key, "an integer") }
            return value
        }

        func number(_ node: Node, key: String) throws(PipelineFileError) -> Double {
            guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else { throw fail(node, key, "a number") }
            return value
        }

        func strings(_ node: Node, key: String) throws(PipelineFileError) -> [String] {
            if let scalar = node.scalar, !isNull(scalar) { return [scalar.string] }
            guard let sequence = node.sequence else { throw fail(node, key, "a list of strings") }
            var values: [String] = []
            for item in sequence { values.append(try string(item, key: key)) }
            return values
        }

        private func isNull(_ scalar: Node.Scalar) -> Bool {
            scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        }
    }
}
