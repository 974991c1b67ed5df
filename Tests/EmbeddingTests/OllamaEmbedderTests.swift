import Foundation
import Testing
import TestSupport
import Tokenization
@testable import Embedding

/// The Ollama client against `FakeOllama`, which speaks Ollama's wire format on loopback.
@Suite struct OllamaEmbedderTests {
    let server: FakeOllama
    let tokenizer: WordPieceTokenizer

    init() throws {
        server = try FakeOllama()
        tokenizer = try WordPieceTokenizer.bundled()
    }

    private func configuration(_ edit: (inout OllamaConfiguration) -> Void = { _ in }) throws -> OllamaConfiguration {
        var configuration = OllamaConfiguration(endpoint: try OllamaEndpoint(parsing: server.host))
        configuration.retry = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.02, budget: 60)  // a cap, not a timing assertion: generous for a loaded CI machine
        configuration.timeout = 5
        edit(&configuration)
        return configuration
    }

    private func connect(_ edit: (inout OllamaConfiguration) -> Void = { _ in }) async throws -> OllamaEmbedder {
        try await OllamaEmbedder.connect(configuration: try configuration(edit), tokenizer: tokenizer)
    }

    private func embedRequests() -> [[String: Any]] {
        server.requests.filter { $0.path == "/api/embed" }.compactMap(\.json)
    }

    @Test func descriptorRecordsModelDigestDimensionAndPrefixes() async throws {
        let embedder = try await connect()
        let descriptor = embedder.descriptor
        #expect(descriptor.provider == .ollama)
        #expect(descriptor.model == "nomic-embed-text")
        #expect(descriptor.dimension == 768)
        #expect(descriptor.digest == server.behaviour.models["nomic-embed-text:latest"])
        #expect(descriptor.documentPrefix == "search_document: ")
        #expect(descriptor.queryPrefix == "search_query: ")
        #expect(descriptor.normalized)
    }

    @Test func batchesKeepOrderAddPrefixesAndNeverTruncate() async throws {
        let embedder = try await connect { $0.batchSize = 4; $0.concurrency = 3 }
        let documents = (0..<10).map { "document number \($0) about sleep" }
        let vectors = try await embedder.embed(documents: documents)
        for (document, vector) in zip(documents, vectors) {
            #expect(vector == FakeOllama.vector(for: "search_document: " + document, dimension: 768))
        }
        let requests = embedRequests().dropFirst()  // the first is connect()'s probe
        #expect(requests.map { ($0["input"] as? [String])?.count ?? 0 }.sorted() == [2, 4, 4])
        #expect(requests.allSatisfy { $0["truncate"] as? Bool == false && $0["model"] as? String == "nomic-embed-text" })
        let query = try await embedder.embed(query: "how long should I sleep?")
        #expect(query == FakeOllama.vector(for: "search_query: how long should I sleep?", dimension: 768))
    }

    @Test func unnormalisedVectorsAreRenormalised() async throws {
        let embedder = try await connect()
        server.behaviour.vectorScale = 3
        let vector = try await embedder.embed(query: "x")
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
    }

    @Test func unreachableServerSaysWhereAndHow() async throws {
        var configuration = try configuration()
        configuration.endpoint = try OllamaEndpoint(parsing: "127.0.0.1:1")
        await #expect {
            try await OllamaEmbedder.connect(configuration: configuration, tokenizer: tokenizer)
        } throws: { error in
            guard case .unreachable(let endpoint, _) = error as? OllamaError else { return false }
            return endpoint == "http://127.0.0.1:1" && "\(error)".contains("ollama serve")
        }
    }

    @Test func missingModelSaysHowToPullIt() async throws {
        server.behaviour.models = ["llama3.2:1b": "abc"]
        await #expect {
            try await connect()
        } throws: { error in
            (error as? OllamaError) == .modelNotFound(model: "nomic-embed-text", endpoint: "http://\(server.host)")
                && "\(error)".contains("ollama pull nomic-embed-text")
        }
    }

    @Test func serverErrorsAreRetriedThenSucceed() async throws {
        let embedder = try await connect()
        let before = server.requests.count
        server.behaviour.failures = [(503, "server busy"), (429, "too many requests")]
        let vectors = try await embedder.embed(documents: ["a", "b"])
        #expect(vectors.count == 2)
        #expect(server.requests.count - before == 3)
    }

    @Test func droppedConnectionsAreRetried() async throws {
        let embedder = try await connect()
        server.behaviour.dropConnections = 2
        #expect(try await embedder.embed(documents: ["a"]).count == 1)
    }

    @Test func retriesAreBounded() async throws {
        let embedder = try await connect()
        let before = server.requests.count
        server.behaviour.failures = Array(repeating: (500, "boom"), count: 10)
        await #expect(throws: OllamaError.http(status: 500, message: "boom")) { try await embedder.embed(documents: ["a"]) }
        #expect(server.requests.count - before == 3)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let embedder = try await connect()
        let before = server.requests.count
        server.behaviour.failures = [(400, "invalid input type")]
        await #expect(throws: OllamaError.http(status: 400, message: "invalid input type")) { try await embedder.embed(documents: ["a"]) }
        #expect(server.requests.count - before == 1)
    }

    @Test func slowServerTimesOut() async throws {
        let embedder = try await connect { $0.timeout = 1; $0.retry.maxAttempts = 1 }
        server.behaviour.hang = true
        await #expect {
            try await embedder.embed(query: "x")
        } throws: { error in
            if case .timeout = error as? OllamaError { return true }
            return false
        }
    }

    @Test func wrongVectorCountIsMalformed() async throws {
        let embedder = try await connect()
        server.behaviour.wrongCount = true
        await #expect {
            try await embedder.embed(documents: ["a", "b", "c"])
        } throws: { error in
            if case .malformedResponse(let detail) = error as? OllamaError { return detail.contains("2 vectors for 3 inputs") }
            return false
        }
    }

    @Test(arguments: [400, 500])
    func nanInOneInputIsBisectedOutAndTheRestKept(status: Int) async throws {
        let embedder = try await connect { $0.batchSize = 8; $0.retry.maxAttempts = 1 }
        server.behaviour.nanMarker = "POISON"
        server.behaviour.nanStatus = status
        let documents = (0..<8).map { $0 == 5 ? "chunk POISON" : "chunk \($0)" }
        let results = await embedder.results(documents: documents)
        for (index, result) in results.enumerated() {
            if index == 5 {
                #expect(throws: OllamaError.nonFiniteEmbedding(index: 5)) { try result.get() }
            } else {
                #expect(try result.get() == FakeOllama.vector(for: "search_document: " + documents[index], dimension: 768))
            }
        }
    }

    @Test func tooLongInputIsRefusedBeforeSendingAndNamed() async throws {
        let embedder = try await connect { $0.contextTokens = 64 }
        let before = server.requests.count
        let long = Array(repeating: "word", count: 100).joined(separator: " ")
        let results = await embedder.results(documents: ["short", long])
        #expect((try? results[0].get()) != nil)
        #expect(throws: OllamaError.inputTooLong(index: 1, tokens: 2 + tokenizer.tokenize("search_document: " + long).count, limit: 64)) { try results[1].get() }
        let sent = server.requests[before...].compactMap(\.json).flatMap { ($0["input"] as? [String]) ?? [] }
        #expect(!sent.contains { $0.contains(long) })
    }

    @Test func ollamaContextErrorIsNamedToo() async throws {
        let embedder = try await connect()
        server.behaviour.contextWords = 3
        let results = await embedder.results(documents: ["one two three four five"])
        #expect {
            try results[0].get()
        } throws: { error in
            if case .inputTooLong(let index, _, _) = error as? OllamaError { return index == 0 }
            return false
        }
    }

    @Test(arguments: [
        ("", "http://127.0.0.1:11434"), ("example.com", "http://example.com:11434"), ("example.com:8000", "http://example.com:8000"),
        (":9999", "http://127.0.0.1:9999"), ("https://ollama.example.com", "https://ollama.example.com:443"), ("http://ollama.example.com", "http://ollama.example.com:80"),
        ("http://10.0.0.2:11434/", "http://10.0.0.2:11434"), ("0.0.0.0", "http://127.0.0.1:11434"),
    ])
    func ollamaHostIsReadLikeOllamaReadsIt(value: String, expected: String) throws {
        let endpoint = try OllamaEndpoint.fromEnvironment(value.isEmpty ? [:] : ["OLLAMA_HOST": value])
        #expect(endpoint.baseURL == expected)
    }

    @Test func invalidHostsAreRefused() {
        #expect(throws: OllamaError.self) { try OllamaEndpoint(parsing: "ftp://x") }
        #expect(throws: OllamaError.self) { try OllamaEndpoint(parsing: "x:notaport") }
    }
}

@Suite struct EmbeddingsJSONTests {
    @Test func readsWhatOllamaSends() {
        let body = #"{"model":"nomic-embed-text","embeddings":[[0.5,-1.25e-3, 3E2],[ 0 , 1 ]],"total_duration":14143917,"prompt_eval_count":8}"#
        #expect(EmbeddingsJSON.parse(Data(body.utf8)) == [[0.5, -0.00125, 300], [0, 1]])
        #expect(EmbeddingsJSON.parse(Data(#"{"embeddings":[]}"#.utf8)) == [])
    }

    @Test func oddBodiesFallBackToTheStrictDecoder() throws {
        #expect(EmbeddingsJSON.parse(Data(#"{"embeddings":[["x"]]}"#.utf8)) == nil)
        #expect(EmbeddingsJSON.parse(Data(#"{"error":"boom"}"#.utf8)) == nil)
        #expect(EmbeddingsJSON.parse(Data(#"{"embeddings":[[1,2"#.utf8)) == nil)
        #expect(throws: (any Error).self) { try OllamaEmbedder.decodeEmbeddings(Data(#"{"embeddings":[["x"]]}"#.utf8)) }
    }
}

@Suite struct FastDecimalTests {
    @Test func agreesWithStrtofWithinOneULP() {
        var generator = SystemRandomNumberGenerator()
        var numbers: [String] = ["0", "-0", "1", "0.5", "-0.0006921006", "0.003518375", "-0.1103596"]
        for _ in 0..<2000 { numbers.append(String(Float.random(in: -1...1, using: &generator))) }
        let body = #"{"embeddings":[["# + numbers.joined(separator: ",") + "]]}"
        let parsed = EmbeddingsJSON.parse(Data(body.utf8))?.first ?? []
        #expect(parsed.count == numbers.count)
        for (text, value) in zip(numbers, parsed) {
            let reference = strtof(text, nil)
            #expect(value == reference || value.nextUp == reference || value.nextDown == reference, "\(text): \(value) vs \(reference)")
        }
    }
}
