import ArgumentParser
import Embedding
import Foundation
import TestSupport
import Tokenization

/// `coachrag-bench ollama-client`: the Ollama client's own cost per 32-input batch, against the
/// in-process fake server on loopback (answering at once, 768-d vectors): the round trip is an
/// upper bound on client time (it also includes the fake server's JSON encoding and loopback).
struct OllamaClientBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ollama-client", abstract: "Ollama client overhead per 32-input batch (fake server on loopback).")

    @Option(help: "Batches timed.") var batches: Int = 200
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        let server = try FakeOllama()
        var configuration = OllamaConfiguration(endpoint: try OllamaEndpoint(parsing: server.host))
        configuration.batchSize = 32
        let embedder = try await OllamaEmbedder.connect(configuration: configuration, tokenizer: try WordPieceTokenizer.bundled())
        let texts = (0..<32).map { "chunk \($0): " + String(repeating: "sleep habits recovery protein ", count: 30) }
        var roundTrips: [Double] = []
        for batch in 0..<(batches + 10) {
            let clock = ContinuousClock.now
            _ = try await embedder.embed(documents: texts)
            if batch >= 10 { roundTrips.append((ContinuousClock.now - clock).seconds * 1000) }
        }
        roundTrips.sort()
        // The client-side work alone: token-length checks, JSON encode/decode, validation.
        let tokenizer = try WordPieceTokenizer.bundled()
        let vectors = (0..<32).map { FakeOllama.vector(for: texts[$0], dimension: 768) }
        let response = try JSONSerialization.data(withJSONObject: ["model": "nomic-embed-text", "embeddings": vectors])
        var local: [Double] = []
        var checks: [Double] = []
        for _ in 0..<batches {
            var clock = ContinuousClock.now
            for text in texts { _ = tokenizer.tokenize("search_document: " + text).count }
            checks.append((ContinuousClock.now - clock).seconds * 1000)
            clock = ContinuousClock.now
            _ = OllamaEmbedder.encodeRequest(model: "nomic-embed-text", inputs: texts)
            let decoded = try OllamaEmbedder.decodeEmbeddings(response)
            _ = decoded.map { $0.allSatisfy(\.isFinite) }
            local.append((ContinuousClock.now - clock).seconds * 1000)
        }
        local.sort()
        checks.sort()
        let result = ["round_trip_p50_ms": roundTrips[roundTrips.count / 2], "round_trip_p99_ms": roundTrips[roundTrips.count * 99 / 100],
                      "client_json_p50_ms": local[local.count / 2], "client_length_check_p50_ms": checks[checks.count / 2]]
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "ollama client, 32 × ~160-token inputs, 768-d\n  round trip to the fake server  p50 %.2f ms, p99 %.2f ms (includes the fake server's own JSON encoding)\n  client: request encode + response decode + validation  p50 %.3f ms\n  client: context-length check (tokenizing 32 inputs)  p50 %.3f ms",
                         result["round_trip_p50_ms"]!, result["round_trip_p99_ms"]!, result["client_json_p50_ms"]!, result["client_length_check_p50_ms"]!))
        }
    }
}
