import Foundation

/// What produced a set of vectors; recorded in every index and checked against every query. Two
/// descriptors that differ in any field must never be mixed: an index is queried only with an
/// embedder whose descriptor equals the one it records.
public struct EmbedderDescriptor: Codable, Sendable, Hashable {
    public enum Provider: String, Codable, Sendable { case ollama, local }
    public var provider: Provider
    public var model: String
    public var dimension: Int
    public var documentPrefix: String
    public var queryPrefix: String
    public var normalized: Bool
    public var digest: String?

    public init(provider: Provider, model: String, dimension: Int, documentPrefix: String, queryPrefix: String, normalized: Bool, digest: String? = nil) {
        self.provider = provider; self.model = model; self.dimension = dimension
        self.documentPrefix = documentPrefix; self.queryPrefix = queryPrefix; self.normalized = normalized; self.digest = digest
    }

    enum CodingKeys: String, CodingKey {
        case provider, model, dimension, documentPrefix = "document_prefix", queryPrefix = "query_prefix", normalized, digest
    }

    /// Stable JSON (sorted keys, no whitespace): what index headers store and compare.
    public var canonicalJSON: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? []
    }

    public init(canonicalJSON bytes: [UInt8]) throws {
        self = try JSONDecoder().decode(EmbedderDescriptor.self, from: Data(bytes))
    }

    /// A short human description: `local all-MiniLM-L6-v2 (384-d)`.
    public var summary: String {
        "\(provider.rawValue) \(model) (\(dimension)-d\(digest.map { ", digest " + $0.prefix(12) } ?? ""))"
    }
}

/// Turns text into L2-normalised `Float` vectors of `descriptor.dimension`, in input order.
/// Documents get the descriptor's document prefix, queries its query prefix.
public protocol Embedder: Sendable {
    var descriptor: EmbedderDescriptor { get }
    func embed(documents: [String]) async throws -> [[Float]]
    func embed(query: String) async throws -> [Float]
    /// One result per document, so one bad input does not cost the batch. Errors that concern
    /// the embedder itself (unreachable, misconfigured) are thrown instead. `tokenCounts`, when
    /// the caller knows them (chunks do), are the WordPiece counts of each text without prefix or
    /// [CLS]/[SEP]; an embedder may use them instead of tokenizing again.
    func embedEach(documents: [String], tokenCounts: [Int]?) async throws -> [Result<[Float], any Error>]
}

extension Embedder {
    public func embedEach(documents: [String], tokenCounts: [Int]?) async throws -> [Result<[Float], any Error>] {
        try await embed(documents: documents).map { .success($0) }
    }

    public func embedEach(documents: [String]) async throws -> [Result<[Float], any Error>] {
        try await embedEach(documents: documents, tokenCounts: nil)
    }
}
