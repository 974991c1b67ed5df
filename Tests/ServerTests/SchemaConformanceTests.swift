import Foundation
import Testing
import TestSupport

/// schemathesis (from `.venv`, installed by scripts/setup.sh) against the live server's own
/// `/openapi.json`, authenticated as an admin's API key with every scope: every operation, with
/// generated valid and invalid requests and its stateful links, must answer without a server
/// error and as the document says (status codes, content types, bodies, headers, 405 with
/// Allow). What the schema cannot express is in `Clients/schemathesis.toml`. Operations that end
/// the caller's own credentials (logout, deleting a key) run last, in a pass of their own, so
/// they cannot turn the rest of the run into 401s. A fixed seed keeps a failure reproducible.
@Suite("OpenAPI conformance") struct SchemaConformanceTests {
    static let config = TestPaths.packageRoot.appendingPathComponent("Tests/ServerTests/Clients/schemathesis.toml")
    static let schemathesis = TestPaths.python.deletingLastPathComponent().appendingPathComponent("schemathesis")
    static let destructive = ["/api/v1/auth/api-keys/{id}", "/api/v1/auth/logout"]

    static func key(_ server: ServerHarness) async throws -> String {
        let admin = try await server.token("admin@x.test")
        let created = try await server.request(.POST, "/api/v1/auth/api-keys", json: ["name": "schemathesis", "scopes": ["search", "chat", "manage"]], token: admin)
        return try #require(created.json["key"] as? String, "\(created.text)")
    }

    /// `COACHRAG_SCHEMATHESIS_SEED` explores other cases; CI runs seed 1.
    static let seed = ProcessInfo.processInfo.environment["COACHRAG_SCHEMATHESIS_SEED"] ?? "1"

    static func run(_ server: ServerHarness, key: String, operations: [String]) async throws -> CommandRunner.Outcome {
        #expect(FileManager.default.isExecutableFile(atPath: schemathesis.path), "no \(schemathesis.path): run scripts/setup.sh")
        return try await CommandRunner.runOffPool(["--config-file", config.path, "run", "http://127.0.0.1:\(server.port)/openapi.json",
                                                   "-H", "Authorization: Bearer \(key)", "--checks", "all", "--max-examples", "20", "--seed", seed,
                                                   "--workers", "1", "--no-color", "--request-timeout", "60"] + operations,
                                                  executable: schemathesis, timeout: 900)
    }

    @Test func theLiveServerAnswersAsItsOpenAPIDocumentSays() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        // Both keys first: the run finds the admin's email (GET /auth/me) and guesses passwords
        // for it until the account backs off, so no login after it would succeed.
        let mainKey = try await Self.key(server), lastKey = try await Self.key(server)
        let main = try await Self.run(server, key: mainKey, operations: Self.destructive.flatMap { ["--exclude-path", $0] })
        #expect(main.status == 0, "schemathesis found mismatches:\n\(main.stdout.suffix(12_000))\n\(main.stderr.suffix(2_000))")
        #expect(main.stdout.contains(" generated"), "\(main.stdout.suffix(2_000))")
        let last = try await Self.run(server, key: lastKey, operations: Self.destructive.flatMap { ["--include-path", $0] })
        #expect(last.status == 0, "schemathesis found mismatches:\n\(last.stdout.suffix(12_000))\n\(last.stderr.suffix(2_000))")
    }
}
