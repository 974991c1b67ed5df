import AsyncHTTPClient
import Embedding
import Foundation
import NIOCore
import Synchronization

/// Ollama's `POST /api/chat` with `stream: true`: NDJSON lines of
/// `{"message": {"role", "content"}, "done": false}` and a final `{"done": true,
/// "prompt_eval_count", "eval_count", ...}`. An `{"error": "..."}` line can arrive mid-stream
/// with status 200; a non-200 status carries `{"error": "..."}` as its body. Every wait is
/// bounded: connecting, the first token, the gap between tokens, and the whole answer.
struct OllamaChatClient: Sendable {
    struct Message: Encodable, Sendable { var role: String; var content: String }

    enum Event: Sendable, Equatable {
        case token(String)
        /// `stoppedAtLimit`: Ollama's `done_reason` is `length` (the answer hit `num_predict`).
        case done(promptTokens: Int?, completionTokens: Int?, stoppedAtLimit: Bool)
    }

    /// Why generation failed; every case means "answer extractively instead".
    enum ChatError: Error, CustomStringConvertible {
        case unreachable(String, String)
        case status(Int, String)
        case upstream(String)
        case timeout(String, Double)
        case malformed(String)

        var description: String {
            switch self {
            case .unreachable(let endpoint, let detail): "Ollama at \(endpoint) is unreachable (\(detail))"
            case .status(let code, let message): "Ollama answered HTTP \(code): \(message)"
            case .upstream(let message): "Ollama reported an error mid-answer: \(message)"
            case .timeout(let what, let seconds): "Ollama timed out (\(what), \(Int(seconds)) s)"
            case .malformed(let detail): "Ollama sent an unreadable line: \(detail)"
            }
        }

        /// What a member may be told: what happened, without addresses or upstream messages.
        var plainDescription: String {
            switch self {
            case .unreachable: "the chat model is not reachable right now"
            case .status: "the chat model refused the request"
            case .upstream: "the chat model failed mid-answer"
            case .timeout: "the chat model did not answer in time"
            case .malformed: "the chat model's answer could not be read"
            }
        }
    }

    let endpoint: OllamaEndpoint
    let model: String
    let firstTokenTimeout: Double
    let tokenGapTimeout: Double
    let totalTimeout: Double
    let client: HTTPClient

    init(configuration: ServerConfiguration) {
        endpoint = configuration.ollama
        model = configuration.chatModel
        firstTokenTimeout = configuration.firstTokenTimeout
        tokenGapTimeout = configuration.tokenGapTimeout
        totalTimeout = configuration.generationTimeout
        var http = HTTPClient.Configuration()
        http.connectionPool.retryConnectionEstablishment = false
        http.timeout.connect = .milliseconds(Int64(configuration.ollamaConnectTimeout * 1000))
        // AHC's default of 8 connections per host would queue answers here rather than at
        // Ollama (which queues by its own OLLAMA_NUM_PARALLEL).
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.maxConcurrentGenerations
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// The request body: messages, `stream: true`, and `num_ctx`/`num_predict` set explicitly
    /// (Ollama's default context is smaller than a prompt with several passages, and it drops
    /// the oldest messages silently when a prompt overflows it), plus the client's sampling
    /// settings (temperature 0.2 unless it chose one; the others only when set).
    static func body(model: String, messages: [Message], contextTokens: Int, answerTokens: Int, sampling: Sampling = Sampling()) -> Data {
        struct Options: Encodable {
            var num_ctx: Int, num_predict: Int, temperature: Double
            var top_p: Double?, stop: [String]?, seed: Int?, frequency_penalty: Double?, presence_penalty: Double?
        }
        struct Body: Encodable { var model: String; var messages: [Message]; var stream: Bool; var options: Options }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let options = Options(num_ctx: contextTokens, num_predict: answerTokens, temperature: sampling.temperature ?? 0.2,
                              top_p: sampling.topP, stop: sampling.stop, seed: sampling.seed,
                              frequency_penalty: sampling.frequencyPenalty, presence_penalty: sampling.presencePenalty)
        return (try? encoder.encode(Body(model: model, messages: messages, stream: true, options: options))) ?? Data()
    }

    /// The answer as it streams. Cancelling the consumer (a client that went away) cancels the
    /// upstream request.
    func stream(messages: [Message], contextTokens: Int, answerTokens: Int, sampling: Sampling = Sampling()) -> AsyncThrowingStream<Event, any Error> {
        let body = Self.body(model: model, messages: messages, contextTokens: contextTokens, answerTokens: answerTokens, sampling: sampling)
        return AsyncThrowingStream { continuation in
            let task = Task {
                let progress = Progress()
                let started = ContinuousClock.now
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await self.consume(body: body, continuation: continuation, progress: progress) }
                        group.addTask {
                            while true {
                                try await Task.sleep(for: .milliseconds(100))
                                let (last, tokens) = progress.state.withLock { ($0.last, $0.tokens) }
                                let now = ContinuousClock.now
                                if (now - started).seconds > totalTimeout { throw ChatError.timeout("whole answer", totalTimeout) }
                                if tokens == 0, (now - last).seconds > firstTokenTimeout { throw ChatError.timeout("first token", firstTokenTimeout) }
                                if tokens > 0, (now - last).seconds > tokenGapTimeout { throw ChatError.timeout("between tokens", tokenGapTimeout) }
                            }
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func consume(body: Data, continuation: AsyncThrowingStream<Event, any Error>.Continuation,
                         progress: Progress) async throws {
        var request = HTTPClientRequest(url: endpoint.baseURL + "/api/chat")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(Int64(totalTimeout * 1000)))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ChatError.unreachable(endpoint.description, String(describing: error))
        }
        guard response.status.code == 200 else {
            let data = (try? await response.body.collect(upTo: 1 << 16)).map { Data($0.readableBytesView) } ?? Data()
            throw ChatError.status(Int(response.status.code), OllamaError.message(inBody: data))
        }
        var pending = Data()
        var finished = false
        for try await buffer in response.body {
            pending.append(contentsOf: buffer.readableBytesView)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[pending.index(after: newline)...])
                if try handle(line: line, continuation: continuation, progress: progress) { finished = true }
            }
        }
        if !pending.isEmpty, try handle(line: pending, continuation: continuation, progress: progress) { finished = true }
        guard finished else { throw ChatError.malformed("the stream ended without a \"done\": true line") }
    }

    /// Handles one NDJSON line; true when it was the final one.
    private func handle(line: Data, continuation: AsyncThrowingStream<Event, any Error>.Continuation,
                        progress: Progress) throws -> Bool {
        struct Line: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message?
            var done: Bool?
            var error: String?
            var prompt_eval_count: Int?
            var eval_count: Int?
            var done_reason: String?
        }
        guard line.contains(where: { $0 != 0x20 && $0 != 0x0D }) else { return false }
        let decoded: Line
        do { decoded = try JSONDecoder().decode(Line.self, from: line) } catch {
            throw ChatError.malformed(String(decoding: line.prefix(120), as: UTF8.self))
        }
        if let error = decoded.error { throw ChatError.upstream(error) }
        if let content = decoded.message?.content, !content.isEmpty {
            progress.state.withLock { $0 = (last: ContinuousClock.now, tokens: $0.tokens + 1) }
            continuation.yield(.token(content))
        }
        if decoded.done == true {
            continuation.yield(.done(promptTokens: decoded.prompt_eval_count, completionTokens: decoded.eval_count,
                                     stoppedAtLimit: decoded.done_reason == "length"))
            return true
        }
        return false
    }

    /// For readiness: does Ollama answer `GET /api/version` within a second?
    func status() async -> String {
        var request = HTTPClientRequest(url: endpoint.baseURL + "/api/version")
        request.method = .GET
        do {
            let response = try await client.execute(request, timeout: .seconds(1))
            _ = try? await response.body.collect(upTo: 1 << 14)
            return response.status.code == 200 ? "ok" : "HTTP \(response.status.code)"
        } catch {
            return "unreachable (\(endpoint.description))"
        }
    }
}

/// The sampling settings a client may choose (OpenAI's names; Ollama's options take the same).
struct Sampling: Sendable, Equatable {
    var temperature: Double?
    var topP: Double?
    var stop: [String]?
    var seed: Int?
    var frequencyPenalty: Double?
    var presencePenalty: Double?
}

/// When the last token arrived and how many have: what the watchdog reads.
private final class Progress: Sendable {
    let state = Mutex<(last: ContinuousClock.Instant, tokens: Int)>((ContinuousClock.now, 0))
}
