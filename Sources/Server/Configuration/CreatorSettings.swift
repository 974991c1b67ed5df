import Foundation
import Retrieval
import State
import Yams

/// Each creator's persona, retrieval settings and registration policy, read from the pipeline
/// files (`creator:`, `persona:`, `registration:`, `index.ef_search`, the `retrieval:`
/// section: `k`, `min_confidence` and every `RetrievalSettings` key). Read once at start; a
/// creator without a pipeline file gets the defaults, and one whose retrieval settings are out
/// of range gets the default ones.
struct CreatorSettings: Sendable {
    private let byCreator: [String: AnsweringSettings]
    private let registrations: [String: RegistrationPolicy]
    let defaults: AnsweringSettings
    let defaultRegistration: RegistrationPolicy

    init(pipelinesDirectory: URL?, defaults: AnsweringSettings, defaultRegistration: RegistrationPolicy = .invite) {
        self.defaults = defaults
        self.defaultRegistration = defaultRegistration
        var settings: [String: AnsweringSettings] = [:]
        var registrations: [String: RegistrationPolicy] = [:]
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
                for (key, value) in file.retrieval?.fields ?? [:] {
                    if key == "method", let method = RetrievalSettings.Method(rawValue: value) { creator.search.method = method }
                    if let number = Double(value) { _ = creator.search.set(key, to: number) }
                }
                if creator.search.problem() != nil { creator.search = defaults.search }
                settings[file.creator] = creator
                if let policy = file.registration.flatMap(RegistrationPolicy.init(rawValue:)) { registrations[file.creator] = policy }
            }
        }
        byCreator = settings
        self.registrations = registrations
    }

    func settings(for creator: String) -> AnsweringSettings {
        byCreator[creator] ?? defaults
    }

    func registration(for creator: String) -> RegistrationPolicy {
        registrations[creator] ?? defaultRegistration
    }
}

/// The part of a pipeline file the server reads (everything else is the ingest's).
private struct PipelineServingFields: Decodable {
    struct Index: Decodable { var ef_search: Int? }
    struct Retrieval: Decodable {
        var k: Int?; var min_confidence: Double?
        /// Every scalar of the section, for `RetrievalSettings.set`.
        var fields: [String: String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            k = try? container.decodeIfPresent(Int.self, forKey: AnyKey("k"))
            min_confidence = try? container.decodeIfPresent(Double.self, forKey: AnyKey("min_confidence"))
            var fields: [String: String] = [:]
            for key in container.allKeys { if let value = try? container.decode(String.self, forKey: key) { fields[key.stringValue] = value } }
            self.fields = fields
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
    var creator: String
    var persona: String?
    var registration: String?
    var index: Index?
    var retrieval: Retrieval?
}
