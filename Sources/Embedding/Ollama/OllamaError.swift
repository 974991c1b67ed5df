public import Foundation

/// Everything that can go wrong talking to Ollama, each case with what to do about it.
public enum OllamaError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidHost(String, String)
    case unreachable(endpoint: String, detail: String)
    case modelNotFound(model: String, endpoint: String)
    case timeout(endpoint: String, seconds: Double)
    case http(status: Int, message: String)
    case malformedResponse(String)
    case inputTooLong(index: Int, tokens: Int, limit: Int)
    case nonFiniteEmbedding(index: Int)

    public var description: String {
        switch self {
        case .invalidHost(let value, let reason):
            "invalid Ollama host \(value.debugDescription): \(reason)"
        case .unreachable(let endpoint, let detail):
            "Ollama is not reachable at \(endpoint) (\(detail)); start it with `ollama serve`, or point OLLAMA_HOST / --ollama-host at it"
        case .modelNotFound(let model, let endpoint):
            "model \(model) is not available on the Ollama server at \(endpoint); run `ollama pull \(model)`"
        case .timeout(let endpoint, let seconds):
            "Ollama at \(endpoint) did not answer within \(Self.format(seconds)) s"
        case .http(let status, let message):
            "Ollama answered HTTP \(status): \(message)"
        case .malformedResponse(let detail):
            "Ollama sent a response coachrag cannot use: \(detail)"
        case .inputTooLong(let index, let tokens, let limit):
            "chunk \(index) is \(tokens) tokens with its prefix, over the model's \(limit)-token context; lower the chunk size (max tokens) so nothing is truncated"
        case .nonFiniteEmbedding(let index):
            "Ollama could not embed chunk \(index): the model produced NaN or Inf values for it"
        }
    }

    /// Worth another attempt: the server may recover (connection errors, 429, 5xx, timeouts).
    var isRetryable: Bool {
        switch self {
        case .unreachable, .timeout: true
        case .http(let status, _): status == 429 || status >= 500
        default: false
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

extension OllamaError {
    /// Ollama's `{"error": "..."}` from a response body, or the start of whatever came instead.
    public static func message(inBody data: Data) -> String {
        struct Body: Decodable { var error: String }
        if let body = try? JSONDecoder().decode(Body.self, from: data) { return body.error }
        let text = String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }
}
