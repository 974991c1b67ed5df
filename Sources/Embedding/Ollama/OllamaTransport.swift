import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// JSON over HTTP to one Ollama server, with timeouts and retries (connection errors, 429 and
/// 5xx; never other 4xx). Errors come back as `OllamaError`, Ollama's own `{"error": ...}`
/// message included.
struct OllamaTransport: Sendable {
    var endpoint: OllamaEndpoint
    var timeout: Double
    var retry: RetryPolicy
    /// Responses larger than this are refused (a 32 × 768 batch is ~0.5 MB of JSON).
    var maxResponseBytes = 64 << 20

    func get(_ path: String) async throws(OllamaError) -> Data {
        try await send(path, method: .GET, body: nil)
    }

    func post(_ path: String, json: Data) async throws(OllamaError) -> Data {
        try await send(path, method: .POST, body: json)
    }

    private func send(_ path: String, method: HTTPMethod, body: Data?) async throws(OllamaError) -> Data {
        let started = ContinuousClock.now
        var attempt = 1
        while true {
            do {
                return try await once(path, method: method, body: body)
            } catch {
                let elapsed = (ContinuousClock.now - started).components.seconds
                guard error.isRetryable, attempt < retry.maxAttempts, Double(elapsed) < retry.budget else { throw error }
                let pause = retry.delay(after: attempt)
                try? await Task.sleep(for: .milliseconds(Int(pause * 1000)))
                attempt += 1
            }
        }
    }

    private func once(_ path: String, method: HTTPMethod, body: Data?) async throws(OllamaError) -> Data {
        var request = HTTPClientRequest(url: endpoint.baseURL + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let data: Data
        do {
            let response = try await Self.client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            status = Int(response.status.code)
            let buffer = try await response.body.collect(upTo: maxResponseBytes)
            data = Data(buffer.readableBytesView)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw .timeout(endpoint: endpoint.description, seconds: timeout)
        } catch let error as NIOTooManyBytesError {
            throw .malformedResponse("the response is larger than \(maxResponseBytes >> 20) MiB (\(error))")
        } catch {
            throw .unreachable(endpoint: endpoint.description, detail: String(describing: error))
        }
        guard (200..<300).contains(status) else {
            throw .http(status: status, message: OllamaError.message(inBody: data))
        }
        return data
    }

    /// One client for the process (like `HTTPClient.shared`), but failing fast on a refused
    /// connection: this transport retries with its own bounded backoff, while AsyncHTTPClient's
    /// default would keep reconnecting until the request deadline (minutes for a dead server).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}
