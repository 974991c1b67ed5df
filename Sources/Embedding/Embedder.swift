// Provisional protocol (reconciled with the local-embedder branch at merge).

/// What produced a set of vectors; recorded in every index and checked against every query.
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
}

/// Turns text into L2-normalised vectors.
public protocol Embedder: Sendable {
    var descriptor: EmbedderDescriptor { get }
    func embed(documents: [String]) async throws -> [[Float]]
    func embed(query: String) async throws -> [Float]
}
