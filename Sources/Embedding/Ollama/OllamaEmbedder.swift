public import Foundation
public import Tokenization

/// Embeddings from an Ollama server's `POST /api/embed` (the production path, `nomic-embed-text`).
///
/// - Adds the model's task prefixes (`search_document: ` / `search_query: `).
/// - Never lets Ollama truncate: sends `truncate: false` and refuses, before sending, any input
///   whose own token count (prefix and [CLS]/[SEP] included) exceeds the context.
/// - Batches (`batchSize`) with `concurrency` requests in flight; checks one finite vector of the
///   right dimension per input and re-normalises.
/// - When Ollama rejects a batch for NaN/Inf, bisects it to find the input at fault, reports that
///   one and keeps the rest (`embedEach(documents:)`).
/// - The descriptor carries the model digest from `GET /api/tags`, so an index built with one
///   build of the model is never queried with another.
public final class OllamaEmbedder: Embedder {
    public let descriptor: EmbedderDescriptor
    public let configuration: OllamaConfiguration
    private let tokenizer: WordPieceTokenizer
    private let transport: OllamaTransport
    private let documentPrefixTokens: Int

    private init(configuration: OllamaConfiguration, tokenizer: WordPieceTokenizer, transport: OllamaTransport, descriptor: EmbedderDescriptor) {
        self.configuration = configuration
        self.tokenizer = tokenizer
        self.transport = transport
        self.descriptor = descriptor
        self.documentPrefixTokens = tokenizer.tokenize(configuration.documentPrefix).count
    }

    /// Checks the server has the model (its digest), learns the dimension with one probe, and
    /// returns a ready embedder.
    public static func connect(configuration: OllamaConfiguration, tokenizer: WordPieceTokenizer) async throws(OllamaError) -> OllamaEmbedder {
        try configuration.validate()
        let transport = OllamaTransport(endpoint: configuration.endpoint, timeout: configuration.timeout, retry: configuration.retry)
        let digest = try await modelDigest(configuration: configuration, transport: transport)
        let probe = try await embedBatch([configuration.queryPrefix + "dimension probe"], model: configuration.model, transport: transport, dimension: nil)
        guard let dimension = probe.first?.count, dimension > 0 else {
            throw .malformedResponse("the probe embedding is empty")
        }
        let descriptor = EmbedderDescriptor(
            provider: .ollama, model: configuration.model, dimension: dimension,
            documentPrefix: configuration.documentPrefix, queryPrefix: configuration.queryPrefix,
            normalized: true, digest: digest
        )
        return OllamaEmbedder(configuration: configuration, tokenizer: tokenizer, transport: transport, descriptor: descriptor)
    }

    public func embed(documents: [String]) async throws -> [[Float]] {
        try await results(documents: documents).map { try $0.get() }
    }

    /// Per-document results; failures that concern the server rather than one input
    /// (unreachable, timeout, model missing) are thrown.
    public func embedEach(documents: [String], tokenCounts: [Int]?) async throws -> [Result<[Float], any Error>] {
        let results = await results(documents: documents, tokenCounts: tokenCounts)
        for case .failure(let error) in results {
            switch error {
            case .unreachable, .timeout, .modelNotFound, .malformedResponse: throw error
            case .http(let status, _) where status >= 500 || status == 429 || status == 404: throw error
            default: continue
            }
        }
        return results.map { $0.mapError { $0 } }
    }

    public func embed(query: String) async throws -> [Float] {
        let text = configuration.queryPrefix + query
        try checkLength(text, index: 0)
        guard let vector = try await Self.embedBatch([text], model: configuration.model, transport: transport, dimension: descriptor.dimension).first else {
            throw OllamaError.malformedResponse("no vector for the query")
        }
        return vector
    }

    /// One result per document, in input order: a vector, or why that document has none.
    /// Connection-level failures (unreachable, timeout, model missing) fail every document of
    /// the batches they hit.
    public func results(documents: [String], tokenCounts: [Int]? = nil) async -> [Result<[Float], OllamaError>] {
        var results = [Result<[Float], OllamaError>?](repeating: nil, count: documents.count)
        var pending: [(index: Int, text: String)] = []
        for (index, document) in documents.enumerated() {
            let text = configuration.documentPrefix + document
            do throws(OllamaError) {
                if let tokenCounts, tokenCounts.count == documents.count {
                    // prefix + text tokenize to the prefix's tokens plus the text's: the prefix ends in a space.
                    let total = documentPrefixTokens + tokenCounts[index] + 2
                    if total > configuration.contextTokens { throw OllamaError.inputTooLong(index: index, tokens: total, limit: configuration.contextTokens) }
                } else {
                    try checkLength(text, index: index)
                }
                pending.append((index, text))
            } catch {
                results[index] = .failure(error)
            }
        }
        let batches = stride(from: 0, to: pending.count, by: configuration.batchSize).map {
            Array(pending[$0..<min($0 + configuration.batchSize, pending.count)])
        }
        let width = configuration.concurrency
        await withTaskGroup(of: [(Int, Result<[Float], OllamaError>)].self) { group in
            var next = 0
            func submit() {
                guard next < batches.count else { return }
                let batch = batches[next]
                next += 1
                group.addTask { await self.embedBisecting(batch) }
            }
            for _ in 0..<width { submit() }
            while let finished = await group.next() {
                for (index, result) in finished { results[index] = result }
                submit()
            }
        }
        return results.map { $0 ?? .failure(.malformedResponse("no result")) }
    }

    // MARK: Internals

    private func checkLength(_ text: String, index: Int) throws(OllamaError) {
        let tokens = tokenizer.tokenize(text).count + 2
        if tokens > configuration.contextTokens {
            throw .inputTooLong(index: index, tokens: tokens, limit: configuration.contextTokens)
        }
    }

    /// Embeds a batch; if Ollama refuses it for NaN/Inf, splits it in halves until the input at
    /// fault is alone.
    private func embedBisecting(_ batch: [(index: Int, text: String)]) async -> [(Int, Result<[Float], OllamaError>)] {
        do {
            let vectors = try await Self.embedBatch(batch.map(\.text), model: configuration.model, transport: transport, dimension: descriptor.dimension)
            return zip(batch, vectors).map { ($0.index, .success($1)) }
        } catch {
            if case .http(let status, let message) = error, Self.isNonFiniteRejection(status: status, message: message) {
                if batch.count == 1 { return [(batch[0].index, .failure(.nonFiniteEmbedding(index: batch[0].index)))] }
                let middle = batch.count / 2
                return await embedBisecting(Array(batch[..<middle])) + embedBisecting(Array(batch[middle...]))
            }
            if case .nonFiniteEmbedding = error, batch.count > 1 {
                let middle = batch.count / 2
                return await embedBisecting(Array(batch[..<middle])) + embedBisecting(Array(batch[middle...]))
            }
            if case .nonFiniteEmbedding = error {
                return [(batch[0].index, .failure(.nonFiniteEmbedding(index: batch[0].index)))]
            }
            if case .http(400, let message) = error, message.contains("context length") {
                // Our own count said it fits, Ollama disagrees (another tokenizer build?): name it.
                return batch.map { ($0.index, .failure(.inputTooLong(index: $0.index, tokens: tokenizer.tokenize($0.text).count + 2, limit: configuration.contextTokens))) }
            }
            return batch.map { ($0.index, .failure(error)) }
        }
    }

    /// Ollama ≥ 0.5 answers 400 "embedding contains NaN or Inf values"; older servers failed to
    /// encode the response and answered 500 "... unsupported value: NaN".
    static func isNonFiniteRejection(status: Int, message: String) -> Bool {
        (status == 400 || status == 500) && (message.contains("NaN") || message.contains("Inf"))
    }

    /// The `/api/embed` request body; for benchmarks.
    public static func encodeRequest(model: String, inputs: [String]) -> Data {
        EmbeddingsJSON.request(model: model, inputs: inputs)
    }

    /// The vectors of an `/api/embed` body (fast path, then JSONDecoder); for benchmarks.
    public static func decodeEmbeddings(_ data: Data) throws -> [[Float]] {
        if let embeddings = EmbeddingsJSON.parse(data) { return embeddings }
        return try JSONDecoder().decode(EmbedResponse.self, from: data).embeddings
    }

    private struct EmbedResponse: Decodable {
        var embeddings: [[Float]]
    }

    static func embedBatch(_ inputs: [String], model: String, transport: OllamaTransport, dimension: Int?) async throws(OllamaError) -> [[Float]] {
        let body = EmbeddingsJSON.request(model: model, inputs: inputs)
        let data: Data
        do {
            data = try await transport.post("/api/embed", json: body)
        } catch {
            if case .http(404, let message) = error, message.contains("not found") {
                throw .modelNotFound(model: model, endpoint: transport.endpoint.description)
            }
            throw error
        }
        let response: EmbedResponse
        if let embeddings = EmbeddingsJSON.parse(data) {
            response = EmbedResponse(embeddings: embeddings)
        } else {
            do {
                response = try JSONDecoder().decode(EmbedResponse.self, from: data)
            } catch {
                throw .malformedResponse("/api/embed did not return {\"embeddings\": [[number]]}")
            }
        }
        guard response.embeddings.count == inputs.count else {
            throw .malformedResponse("/api/embed returned \(response.embeddings.count) vectors for \(inputs.count) inputs")
        }
        var vectors: [[Float]] = []
        vectors.reserveCapacity(inputs.count)
        for (offset, vector) in response.embeddings.enumerated() {
            if let dimension, vector.count != dimension {
                throw .malformedResponse("/api/embed returned a \(vector.count)-dimensional vector, expected \(dimension)")
            }
            guard vector.allSatisfy(\.isFinite) else { throw .nonFiniteEmbedding(index: offset) }
            let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { throw .nonFiniteEmbedding(index: offset) }
            vectors.append(abs(norm - 1) < 1e-4 ? vector : vector.map { $0 / norm })
        }
        return vectors
    }

    private struct Tags: Decodable {
        struct Model: Decodable {
            var name: String
            var digest: String
        }
        var models: [Model]
    }

    private static func modelDigest(configuration: OllamaConfiguration, transport: OllamaTransport) async throws(OllamaError) -> String {
        let data = try await transport.get("/api/tags")
        guard let tags = try? JSONDecoder().decode(Tags.self, from: data) else {
            throw .malformedResponse("/api/tags did not return {\"models\": [{\"name\", \"digest\"}]}")
        }
        let wanted = configuration.model.contains(":") ? configuration.model : configuration.model + ":latest"
        guard let model = tags.models.first(where: { $0.name == wanted || $0.name == configuration.model }) else {
            throw .modelNotFound(model: configuration.model, endpoint: configuration.endpoint.description)
        }
        return model.digest
    }
}
