import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import Testing

/// The real `coachrag` binary end to end: ingest, `user create`, `serve` on a free port, a
/// question over HTTP answered through the fake Ollama, then SIGTERM and a clean exit.
@Suite("coachrag serve (binary)") struct ServeCommandTests {
    @Test func ingestServeAskAndStopCleanly() async throws {
        let root = TemporaryDirectory.make("serve-cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let indexes = root.appendingPathComponent("indexes").path, state = root.appendingPathComponent("state").path
        let corpus = TestPaths.corpora.appendingPathComponent("demo")
        let ingest = try CommandRunner.run(["ingest", "--creator", "demo", "--indexes", indexes, "--no-cache",
                                            corpus.appendingPathComponent("sleep-guide.pdf").path, corpus.appendingPathComponent("habits.txt").path])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let creator = try CommandRunner.run(["user", "create", "--email", "coach@demo.test", "--role", "creator", "--creator", "demo", "--password", "Tr41ner-pass-x", "--state", state])
        #expect(creator.status == 0 && creator.stdout.contains("created creator coach@demo.test"))
        let weak = try CommandRunner.run(["user", "create", "--email", "m@demo.test", "--role", "member", "--creator", "demo", "--password", "weak", "--state", state])
        #expect(weak.status == 1 && weak.stderr.contains("password: must be at least 10 characters"))
        let orphan = try CommandRunner.run(["user", "create", "--email", "m@demo.test", "--role", "member", "--creator", "nobody", "--password", "Member-pass-2026", "--state", state])
        #expect(orphan.status == 1 && orphan.stderr.contains("no creator \"nobody\""))

        let ollama = try FakeOllama()
        let process = Process()
        process.executableURL = CommandRunner.binary
        process.arguments = ["serve", "--port", "0", "--indexes", indexes, "--state", state, "--pipelines", TestPaths.packageRoot.appendingPathComponent("pipelines").path]
        var environment = ProcessInfo.processInfo.environment
        environment["OLLAMA_HOST"] = ollama.host
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let port = try ServerOutput.listeningPort(errors.fileHandleForReading)

        // Users can be created while the server runs.
        let member = try CommandRunner.run(["user", "create", "--email", "m@demo.test", "--role", "member", "--creator", "demo", "--password", "Member-pass-2026", "--state", state])
        #expect(member.status == 0)

        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        func post(_ path: String, _ body: [String: Any], token: String? = nil) async throws -> [String: Any] {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            let response = try await client.execute(request, timeout: .seconds(30))
            let data = try await response.body.collect(upTo: 1 << 22)
            return (try JSONSerialization.jsonObject(with: Data(data.readableBytesView)) as? [String: Any]) ?? [:]
        }
        let login = try await post("/api/v1/auth/login", ["email": "m@demo.test", "password": "Member-pass-2026"])
        let token = try #require(login["access_token"] as? String)
        let answer = try await post("/api/v1/ai/conversations", ["query": "How many hours of sleep do adults need?", "creator_id": "demo"], token: token)
        #expect(answer["mode"] as? String == "generated")
        let citations = try #require(answer["citations"] as? [[String: Any]])
        #expect(citations.first?["document"] as? String == corpus.appendingPathComponent("sleep-guide.pdf").path)
        #expect(ollama.requests.contains { $0.path == "/api/chat" && (($0.json?["messages"] as? [[String: Any]])?.first?["content"] as? String)?.contains("demo coach") == true })
        try await client.shutdown()

        // SIGTERM: a clean stop with status 0.
        kill(process.processIdentifier, SIGTERM)
        let stopped = ContinuousClock.now
        while process.isRunning, ContinuousClock.now - stopped < .seconds(10) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }

    /// Settings from the environment and from a file reach the server; one that cannot be used
    /// stops it at start with exit status 2 and a line naming the setting and its variable.
    @Test func settingsComeFromFlagsEnvironmentAndAFile() throws {
        let directory = TemporaryDirectory.make("serve-settings")
        let file = directory.appendingPathComponent("serve.yml")
        try "idleTimeout: 99\n".write(to: file, atomically: true, encoding: .utf8)
        let badFile = try CommandRunner.run(["serve", "--config", file.path, "--state", directory.appendingPathComponent("state").path])
        #expect(badFile.status == 2)
        #expect(badFile.stderr.contains("\(file.path): setting idleTimeout (COACHRAG_IDLE_TIMEOUT): must be 0.001...30, not 99"), "\(badFile.stderr)")
        let badVariable = try CommandRunner.run(["serve"], environment: ["COACHRAG_RATE_LIMIT": "fast"])
        #expect(badVariable.status == 2 && badVariable.stderr.contains("COACHRAG_RATE_LIMIT"), "\(badVariable.stderr)")
        // A flag wins over the file: the same file with a good --idle-timeout gets past settings
        // (and then cannot start, on purpose: its state folder is a file, status 1).
        let notAFolder = directory.appendingPathComponent("state-file")
        try Data("x".utf8).write(to: notAFolder)
        let started = try CommandRunner.run(["serve", "--config", file.path, "--idle-timeout", "5", "--port", "0", "--state", notAFolder.path])
        #expect(started.status == 1 && !started.stderr.contains("idleTimeout"), "\(started.stderr)")
        #expect(try CommandRunner.run(["serve", "--help"]).stdout.contains("retrieval.minConfidence (COACHRAG_RETRIEVAL_MIN_CONFIDENCE)"))
        // The state store's URL: a bad one is a setting error (never echoing a password), an
        // unreachable PostgreSQL a start failure.
        let badURL = try CommandRunner.run(["serve", "--database", "mysql://root:hunter2@db/coach"])
        #expect(badURL.status == 2 && badURL.stderr.contains("database.url (COACHRAG_DATABASE_URL)") && !badURL.stderr.contains("hunter2"), "\(badURL.stderr)")
        let unreachable = try CommandRunner.run(["serve", "--port", "0", "--state", directory.appendingPathComponent("state").path],
                                                environment: ["COACHRAG_DATABASE_URL": "postgres://coachrag:hunter2@127.0.0.1:1/coach?sslmode=disable"])
        #expect(unreachable.status == 1 && unreachable.stderr.contains("postgresql://coachrag@127.0.0.1:1/coach") && !unreachable.stderr.contains("hunter2"),
                "\(unreachable.stderr)")
    }

    /// `db status` and `db migrate` on the default SQLite store, and on a URL that cannot work.
    @Test func databaseCommands() throws {
        let directory = TemporaryDirectory.make("db-commands")
        let state = directory.appendingPathComponent("state").path
        let dryRun = try CommandRunner.run(["db", "migrate", "--dry-run", "--state", state])
        #expect(dryRun.status == 0 && dryRun.stdout.contains("would apply v1"), "\(dryRun.stdout)\(dryRun.stderr)")
        let migrate = try CommandRunner.run(["db", "migrate", "--state", state])
        #expect(migrate.status == 0 && migrate.stdout.contains("applied v1"), "\(migrate.stdout)")
        let status = try CommandRunner.run(["db", "status", "--json", "--state", state])
        let json = try #require(status.jsonLines.first)
        #expect(json["database"] as? String == "sqlite:\(state)/coachrag.sqlite" && (json["pending"] as? [String])?.isEmpty == true)
        #expect((json["applied"] as? [String])?.first == "v1" && json["row_level_security"] is NSNull)
        #expect(try CommandRunner.run(["db", "migrate", "--state", state]).stdout.contains("up to date"))
        #expect(try CommandRunner.run(["db", "status", "--database", "postgres://nobody@/x?sslmode=sometimes"]).status == 1)
    }
}
