import Configuration
import Foundation
import Server
import Testing
import TestSupport

/// `ServerConfiguration.read(from:)`: every setting by key, with its default when missing, the
/// environment's `COACHRAG_*` names, a YAML file's nesting, and the first provider winning.
@Suite("Server settings") struct ServerSettingsTests {
    @Test func missingSettingsAreTheDocumentedDefaults() async throws {
        let read = try await ServerConfiguration.read(from: ConfigReader(provider: InMemoryProvider(values: [:])))
        let defaults = ServerConfiguration()
        #expect(read.port == defaults.port && read.rateLimitPerSecond == defaults.rateLimitPerSecond && read.rateLimitBurst == defaults.rateLimitBurst)
        #expect(read.retrieval.k == 4 && read.contentLimits.messagesPerConversation == 1000 && read.logRequests)
    }

    @Test func theEnvironmentAndAFileReachEverySettingAndTheFirstProviderWins() async throws {
        let file = TemporaryDirectory.make("settings").appendingPathComponent("serve.yml")
        try """
            port: 9999
            rateLimit: 7
            login:
              attempts: 3
            retrieval:
              minConfidence: 0.4
            limits:
              titleCharacters: 80
            registration: closed
            """.write(to: file, atomically: true, encoding: .utf8)
        let environment = EnvironmentVariablesProvider(environmentVariables: [
            "COACHRAG_PORT": "9000", "COACHRAG_QUERY_CACHE_SIZE": "12", "COACHRAG_OLLAMA_HOST": "http://ollama.internal", "COACHRAG_LOG_REQUESTS": "false",
        ]).prefixKeys(with: "coachrag")
        let flags = InMemoryProvider(values: ["rateLimit": 3])
        let read = try await ServerConfiguration.read(from: ConfigReader(providers: [flags, environment, try await FileProvider<YAMLSnapshot>(filePath: .init(file.path))]))
        #expect(read.port == 9000)  // the environment over the file
        #expect(read.rateLimitPerSecond == 3 && read.rateLimitBurst == 6)  // the flag over the file; the burst follows
        #expect(read.queryCacheSize == 12 && read.loginThrottle.limit == 3 && read.retrieval.minimumConfidence == 0.4)
        #expect(read.contentLimits.titleCharacters == 80 && read.registration == .closed && !read.logRequests)
        #expect(read.ollama.description.contains("ollama.internal:80"))
    }

    @Test func aValueOutOfRangeNamesItsKeyAndVariable() async throws {
        await #expect(throws: ServerSettingError.self) {
            try await ServerConfiguration.read(from: ConfigReader(provider: InMemoryProvider(values: ["maxConnections": 0])))
        }
        do {
            _ = try await ServerConfiguration.read(from: ConfigReader(provider: InMemoryProvider(values: ["registration": "sometimes"])))
        } catch let error as ServerSettingError {
            #expect(error.description == "setting registration (COACHRAG_REGISTRATION): must be open, invite or closed, not \"sometimes\"")
        }
        #expect(ServerConfiguration.settings.count == Set(ServerConfiguration.settings.map(\.key)).count)
    }
}
