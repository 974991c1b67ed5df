import ArgumentParser
import Embedding
import Foundation
import Server

/// `coachrag serve`: the read-only RAG query server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the creators' live indexes: search, cited answers, auth and conversations over HTTP.",
        discussion: """
            Memory-maps each creator's live index (indexes/<creator>/CURRENT) on first use and \
            follows new versions as `coachrag ingest` publishes them; never writes an index. \
            Answers through Ollama's /api/chat ($OLLAMA_HOST, model --chat-model), or \
            extractively (quoting the passages) when Ollama is unreachable. Users, sessions and \
            conversations live in <state>/coachrag.sqlite; the JWT signing key in \
            <state>/jwt-signing-key.pem (created on first start, mode 0600).
            The API is described at /openapi.json; health at /health/live and /health/ready; \
            Prometheus metrics at /metrics. Logs are JSON lines on standard error.
            Create the first users with `coachrag user create` (works while the server runs).
            SIGTERM or SIGINT stops accepting, finishes requests in flight, and closes the database.
            Exit status: 0 stopped cleanly; 1 could not start (state, keys, address in use); 2 usage.
            """
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, printed at start).") var port = 8080
    @Option(help: "Root folder of the indexes (default: ./indexes, or $COACHRAG_INDEXES).")
    var indexes: String = ProcessInfo.processInfo.environment["COACHRAG_INDEXES"] ?? "indexes"
    @Option(help: "State folder: the SQLite database and the signing key (default: ./state, or $COACHRAG_STATE).")
    var state: String = ProcessInfo.processInfo.environment["COACHRAG_STATE"] ?? "state"
    @Option(help: "Pipeline files giving each creator's persona and retrieval settings.") var pipelines = "pipelines"
    @Option(help: "Ollama address (default: $OLLAMA_HOST, else 127.0.0.1:11434).") var ollamaHost: String?
    @Option(help: "Ollama chat model.") var chatModel = "llama3.2:1b"
    @Option(help: "Seconds to wait for Ollama's first token before answering extractively.") var firstTokenTimeout: Double = 60
    @Option(help: "Requests per second per client address (0: no limit); bursts of twice that.") var rateLimit: Double = 50
    @Option(help: "Logins and registrations per second per client address (0: no limit); bursts of ten times that, at least 10.") var authRateLimit: Double = 1
    @Option(help: "Requests per second per browser API key (one with allowed origins, e.g. a widget's), over all its visitors (0: no limit); bursts of six times that.") var browserKeyRateLimit: Double = 5
    @Option(help: "Seconds a connection may wait without a complete request (≤ 30).") var idleTimeout: Double = 20
    @Option(help: "Connections held open at once; more are closed when accepted.") var maxConnections = 1000
    @Option(help: "Index files kept mapped at once (least recently used closed first).") var maxOpenIndexes = 64
    @Flag(help: "Do not log one JSON line per request.") var quiet = false
    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error or critical ($LOG_LEVEL wins when set).") var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard maxOpenIndexes >= 1 else { throw ValidationError("--max-open-indexes must be at least 1") }
        guard idleTimeout > 0 && idleTimeout <= 30 else { throw ValidationError("--idle-timeout must be more than 0 and at most 30 seconds") }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
        }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard firstTokenTimeout > 0 else { throw ValidationError("--first-token-timeout must be positive") }
    }

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.indexRoot = URL(fileURLWithPath: indexes)
        configuration.stateDirectory = URL(fileURLWithPath: state)
        configuration.pipelinesDirectory = URL(fileURLWithPath: pipelines)
        configuration.chatModel = chatModel
        configuration.firstTokenTimeout = firstTokenTimeout
        configuration.rateLimitPerSecond = rateLimit
        configuration.rateLimitBurst = rateLimit * 2
        configuration.authRateLimitPerSecond = authRateLimit
        configuration.authRateLimitBurst = max(10, authRateLimit * 10)
        configuration.browserKeyRateLimitPerSecond = browserKeyRateLimit
        configuration.browserKeyRateLimitBurst = browserKeyRateLimit * 6
        configuration.maxOpenIndexes = maxOpenIndexes
        configuration.idleTimeout = idleTimeout
        configuration.maxConnections = maxConnections
        configuration.logRequests = !quiet
        do {
            configuration.ollama = try ollamaHost.map { try OllamaEndpoint(parsing: $0) } ?? OllamaEndpoint.fromEnvironment()
        } catch {
            throw ValidationError("\(error)")
        }
        CoachServer.bootstrapLogging(level: logLevel)
        configuration.metricsRegistry = CoachServer.bootstrapMetrics()
        do {
            try await CoachServer.run(configuration: configuration) { port in
                Output.standardError("coachrag serve: listening on http://\(host):\(port)")
            }
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.someInputFailed)
        }
    }
}
