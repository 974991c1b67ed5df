import Foundation
import Retrieval
import Yams

/// Each creator's persona and retrieval settings, read from the pipeline files (`creator:`,
/// `persona:`, `index.ef_search`, optional `retrieval.k`). Read once at start; a creator
/// without a pipeline file gets the defaults.
struct CreatorSettings: Sendable {
    private let byCreator: [String: AnsweringSettings]
    let defaults: AnsweringSettings

    init(pipelinesDirectory: URL?, defaults: AnsweringSettings) {
        self.defaults = defaults
        var settings: [String: AnsweringSettings] = [:]
        if let directory = pipelinesDirectory,
           let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) {
            for name in names.sorted() where name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
                guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8),
                      let file = try? YAMLDecoder().decode(PipelineServingFields.self, from: text) else { continue }
                var creator = defaults
                if let persona = file.persona?.trimmingCharacters(in: .whitespacesAndNewlines), !persona.isEmpty { creator.persona = persona }
                if let ef = file.index?.ef_search, ef > 0 { creator.efSearch = ef }
                if let k = file.retrieval?.k, (1...20).contains(k) { creator.k = k }
                if let minimum = file.retrieval?.min_confidence, (0...1).contains(minimum) { creator.minimumConfidence = minimum }
                if let fields = file.retrieval {
                    var search = creator.search
                    if let method = fields.method.flatMap(RetrievalSettings.Method.init(rawValue:)) { search.method = method }
                    if let weight = fields.weight { search.denseWeight = weight }
                    if let candidates = fields.candidates { search.candidates = candidates }
                    if let turns = fields.context_turns { search.contextTurns = turns }
                    if let weight = fields.context_weight { search.contextWeight = weight }
                    if let weight = fields.context_term_weight { search.contextTermWeight = weight }
                    if let weight = fields.window_weight { search.windowWeight = weight }
                    if let depth = fields.rerank_depth { search.rerankDepth = depth }
                    if search.problem() == nil { creator.search = search }
                }
                settings[file.creator] = creator
            }
        }
        byCreator = settings
    }

    func settings(for creator: String) -> AnsweringSettings {
        byCreator[creator] ?? defaults
    }
}

/// The part of a pipeline file the server reads (everything else is the ingest's).
private struct PipelineServingFields: Decodable {
    struct Index: Decodable { var ef_search: Int? }
    struct Retrieval: Decodable {
        var k: Int?; var min_confidence: Double?
        var method: String?; var weight: Float?; var candidates: Int?
        var context_turns: Int?; var context_weight: Float?; var context_term_weight: Float?
        var window_weight: Float?; var rerank_depth: Int?
    }
    var creator: String
    var persona: String?
    var index: Index?
    var retrieval: Retrieval?
}
