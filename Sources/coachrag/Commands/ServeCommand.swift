import ArgumentParser
import Configuration
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
            conversations live in <state>/coachrag.sqlite, or in PostgreSQL with --database \
            postgres://... (shared by replicas; migrated at start); the JWT signing key in \
            <state>/jwt-signing-key.pem (created on first start, mode 0600; replicas need the same one).
            The API is described at /openapi.json; health at /health/live and /health/ready; \
            Prometheus metrics at /metrics. Logs are JSON lines on standard error.
            Create the first users with `coachrag user create` (works while the server runs).
            SIGTERM or SIGINT stops accepting, finishes requests in flight, and closes the database.
            Exit status: 0 stopped cleanly; 1 could not start (state, keys, address in use); 2 usage \
            (including a setting that cannot be used).

            Settings come from the flags, then COACHRAG_* environment variables, then --config \
            (a file's keys nest at the dots: {"ollama": {"host": ...}}), then the defaults. Every \
            setting, with its variable:
            """ + ServerConfiguration.settings.map { "  \($0.key) (COACHRAG_\(ServerConfiguration.environmentName($0.key))): \($0.help)" }
            .joined(separator: "\n")
    )

    @Option(help: "A settings file, JSON (.json) or YAML (.yml, .yaml), with any of the keys below.") var config: String?
    @Option(help: "Address to listen on (127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (8080; 0: any free port, printed at start).") var port: Int?
    @Option(help: "Root folder of the indexes (./indexes).") var indexes: String?
    @Option(help: "State folder: the signing key, and the SQLite database unless --database says (./state).") var state: String?
    @Option(help: "State store: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=...] (default: SQLite in the state folder; $COACHRAG_DATABASE_URL).") var database: String?
    @Option(help: "Pipeline files giving each creator's persona and retrieval settings (./pipelines).") var pipelines: String?
    @Option(help: "Ollama address (default: $OLLAMA_HOST, else 127.0.0.1:11434).") var ollamaHost: String?
    @Option(help: "Ollama chat model (llama3.2:1b).") var chatModel: String?
    @Option(help: "Seconds to wait for Ollama's first token before answering extractively (60).") var firstTokenTimeout: Double?
    @Option(help: "Requests per second per client address (50; 0: no limit); bursts of twice that.") var rateLimit: Double?
    @Option(help: "Logins and registrations per second per client address (1; 0: no limit); bursts of ten times that, at least 10.") var authRateLimit: Double?
    @Option(help: "Requests per second per browser API key (one with allowed origins, e.g. a widget's), over all its visitors (5; 0: no limit); bursts of six times that.") var browserKeyRateLimit: Double?
    @Option(help: "Seconds a connection may wait without a complete request (20; at most 30).") var idleTimeout: Double?
    @Option(help: "Connections held open at once; more are closed when accepted (1000).") var maxConnections: Int?
    @Option(help: "Index files kept mapped at once, least recently used closed first (64).") var maxOpenIndexes: Int?
    @Flag(help: "Do not log one JSON line per request.") var quiet = false
    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error or critical ($LOG_LEVEL wins when set).") var logLevel = "info"

    func validate() throws {
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
        }
        if let config, !["json", "yml", "yaml"].contains(URL(fileURLWithPath: config).pathExtension.lowercased()) {
            throw ValidationError("--config must name a .json, .yml or .yaml file")
        }
    }

    /// The flags given, under the settings' keys (they win over the environment and the file).
    var flagSettings: [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        func set(_ key: AbsoluteConfigKey, _ content: ConfigContent?) { if let content { values[key] = ConfigValue(content, isSecret: false) } }
        set("host", host.map(ConfigContent.string)); set("port", port.map(ConfigContent.int))
        set("indexes", indexes.map(ConfigContent.string)); set("state", state.map(ConfigContent.string))
        set("pipelines", pipelines.map(ConfigContent.string)); set("ollama.host", ollamaHost.map(ConfigContent.string))
        set("chatModel", chatModel.map(ConfigContent.string)); set("firstTokenTimeout", firstTokenTimeout.map(ConfigContent.double))
        set("rateLimit", rateLimit.map(ConfigContent.double)); set("authRateLimit", authRateLimit.map(ConfigContent.double))
        set("browserKeyRateLimit", browserKeyRateLimit.map(ConfigContent.double)); set("idleTimeout", idleTimeout.map(ConfigContent.double))
        set("maxConnections", maxConnections.map(ConfigContent.int)); set("maxOpenIndexes", maxOpenIndexes.map(ConfigContent.int))
        if let database { values["database.url"] = ConfigValue(.string(database), isSecret: true) }
        if quiet { set("logRequests", .bool(false)) }
        return values
    }

    func run() async throws {
        let configuration: ServerConfiguration
        do {
            var providers: [any ConfigProvider] = [InMemoryProvider(name: "flags", values: flagSettings),
                                                   EnvironmentVariablesProvider().prefixKeys(with: "coachrag")]
            if let config {
                switch URL(fileURLWithPath: config).pathExtension.lowercased() {
                case "json": providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(config)))
                default: providers.append(try await FileProvider<YAMLSnapshot>(filePath: .init(config)))
                }
            }
            configuration = try await ServerConfiguration.read(from: ConfigReader(providers: providers))
        } catch {
            Output.error("\(config.map { "\($0): " } ?? "")\(error)")
            throw ExitCode(ExitStatus.usage)
        }
        var server = configuration
        CoachServer.bootstrapLogging(level: logLevel)
        server.metricsRegistry = CoachServer.bootstrapMetrics()
        do {
            let host = server.host
            try await CoachServer.run(configuration: server) { port in
                Output.standardError("coachrag serve: listening on http://\(host):\(port)")
            }
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.someInputFailed)
        }
    }
}
