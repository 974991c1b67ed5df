import ArgumentParser
import AsyncHTTPClient
import Foundation
import Synchronization
import TestSupport

/// `coachrag-bench replicas`: two `coachrag serve` replicas behind nginx, started by
/// `scripts/replicas.sh`, sharing one state store (PostgreSQL, then one SQLite file for
/// comparison) and one indexes/ folder, under a closed-loop load of searches and answers through
/// nginx. Counts failed requests while `coachrag ingest` publishes a new version, during a rolling
/// restart (SIGTERM a, start it, then b) and around a `kill -9` of one replica (against the
/// requests in flight when it died), and measures login, `/search` and `/messages` p50/p99.
/// Exits 1 when a zero-failure promise breaks (a publish or rolling restart that failed a
/// request, a replica that did not exit 0 on SIGTERM, a replica serving an old version), so
/// `make test` checks them too.
struct ReplicasBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replicas", abstract: "Two replicas behind nginx: failed requests across publish, rolling restart and kill -9; latency per backend.")

    @Option(help: "Backends (comma-separated).") var backends = "postgresql,sqlite"
    @Option(help: "Clients of the closed-loop load.") var concurrency = 8
    @Option(help: "Seconds of steady load per latency measurement.") var seconds: Double = 5
    @Option(help: "The coachrag binary (default: next to this one).") var binary: String?
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        let executable = binary ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("coachrag").path
        setenv("COACHRAG_BINARY", executable, 1)
        setenv("COACHRAG", executable, 1)
        let ollama = try FakeOllama()
        ollama.behaviour.chatTokens = (0..<10).map { $0 == 9 ? "done [1]." : "word\($0) " }
        ollama.behaviour.chatTokenDelay = 0.01
        setenv("OLLAMA_HOST", ollama.host, 1)
        var result: [String: Any] = ["concurrency": concurrency, "seconds": seconds]
        var broken: [String] = []
        for backend in backends.split(separator: ",").map(String.init) {
            let figures = try await measure(backend: backend, broken: &broken)
            for (key, value) in figures { result["\(backend)_\(key)"] = value }
        }
        if let pg = result["postgresql_search_p99_ms"] as? Double, let lite = result["sqlite_search_p99_ms"] as? Double, lite > 0 {
            result["postgresql_over_sqlite_search_p99"] = pg / lite
        }
        result["broken_promises"] = broken
        if json {
            let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for key in result.keys.sorted() { print("\(key): \(result[key] ?? "")") }
        }
        if !broken.isEmpty {
            FileHandle.standardError.write(Data("replicas: \(broken.joined(separator: "; "))\n".utf8))
            throw ExitCode(1)
        }
    }

    /// `script` on a thread of its own, so the load generator keeps both cores' pool threads.
    func scriptOffPool(_ arguments: [String], in directory: URL) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try script(arguments, in: directory) }) }
        }
    }

    func script(_ arguments: [String], in directory: URL) throws -> String {
        let log = directory.appendingPathComponent("script.log").path
        let before = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let status = try CommandRunner.runLeavingDaemons(["/bin/bash", "scripts/replicas.sh"] + arguments, output: log)
        let output = String(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").dropFirst(before.count))
        guard status == 0 else { throw ValidationError("replicas.sh \(arguments.joined(separator: " ")) failed (\(status)): \(output)") }
        return output
    }

    func measure(backend: String, broken: inout [String]) async throws -> [String: Any] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coachrag-replicas-\(getpid())-\(backend)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            _ = try? script(["down", directory.path], in: directory)
            try? FileManager.default.removeItem(at: directory)
        }
        _ = try script(["up", directory.path, backend], in: directory)
        let environment = try String(contentsOf: directory.appendingPathComponent("env"), encoding: .utf8)
        let settings = Dictionary(environment.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }, uniquingKeysWith: { $1 })
        guard let url = settings["URL"], let database = settings["DATABASE_URL"], let portA = settings["PORT_a"], let portB = settings["PORT_b"] else {
            throw ValidationError("replicas.sh wrote no URL and ports")
        }
        let indexes = directory.appendingPathComponent("indexes").path, state = directory.appendingPathComponent("state").path
        @Sendable func ingest(force: Bool) async throws {
            let run = try await CommandRunner.runOffPool(["ingest", "--pipeline", "pipelines/demo.yml", "--indexes", indexes, "--no-cache"] + (force ? ["--force"] : []), timeout: 600)
            guard run.status == 0 else { throw ValidationError("ingest failed: \(run.stderr)") }
        }
        try await ingest(force: false)
        for email in ["member@bench.test", "member2@bench.test"] {
            let created = try CommandRunner.run(["user", "create", "--email", email, "--role", email.hasPrefix("member2") ? "member" : "creator", "--creator", "demo",
                                                 "--password", "Bench-pass-2026", "--database", database, "--state", state])
            guard created.status == 0 else { throw ValidationError("user create failed: \(created.stderr)") }
        }

        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency + 4
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let load = LoadClient(client: client, base: url)
        let token = try await load.login("member@bench.test", "Bench-pass-2026")
        let questions = try ServerBench.questions()
        var made: [String] = []
        for _ in 0..<concurrency { made.append(try await load.conversation(creator: "demo", token: token)) }
        let conversations = made
        _ = try await load.search(creator: "demo", query: questions[0], token: token)  // the model loads

        // Mixed closed-loop load through nginx while `event` runs; failures and in-flight counts.
        let inFlight = Counter()
        let failures = FailureLog()
        func underLoad(_ event: @escaping @Sendable () async throws -> Void) async throws -> (figures: LoadClient.Figures, event: Duration) {
            let done = Counter()
            async let samples: [LoadClient.Sample] = withThrowingTaskGroup(of: [LoadClient.Sample].self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        var samples: [LoadClient.Sample] = []
                        var i = 0
                        while done.value == 0 {
                            inFlight.add(1)
                            let question = questions[(worker + i) % questions.count]
                            // A failure is a request that got no answer (an error status or none at all);
                            // an answer the server degraded to extractive is an answer.
                            let reply = i % 2 == 0
                                ? try? await load.send("/api/v1/creators/demo/search", ["query": question, "k": 4], token: token)
                                : try? await load.send("/api/v1/conversations/\(conversations[worker])/messages", ["content": question], token: token)
                            inFlight.add(-1)
                            if let reply, reply.status != 200 { failures.record("HTTP \(reply.status) \(reply.json["detail"] ?? "")") }
                            if reply == nil { failures.record("no response") }
                            samples.append(.init(milliseconds: reply?.milliseconds ?? 0, modelMilliseconds: 0, ok: reply?.status == 200))
                            i += 1
                        }
                        return samples
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let started = ContinuousClock.now
            try await Task.sleep(for: .milliseconds(300))
            let eventStart = ContinuousClock.now
            try await event()
            let eventTime = ContinuousClock.now - eventStart
            try await Task.sleep(for: .milliseconds(300))
            done.add(1)
            let all = try await samples
            return (LoadClient.Figures(samples: all, seconds: (ContinuousClock.now - started).seconds), eventTime)
        }

        var figures: [String: Any] = [:]
        // A new version published under load, then served by both replicas.
        let publish = try await underLoad { try await ingest(force: true) }
        figures["publish_failed_requests"] = publish.figures.failures
        let current = try String(contentsOfFile: "\(indexes)/demo/CURRENT", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var servedBy = 0
        for port in [portA, portB] {
            let direct = LoadClient(client: client, base: "http://127.0.0.1:\(port)")
            let reply = try await direct.send("/api/v1/creators/demo/search", ["query": questions[0]], token: token)
            if reply.json["index_version"] as? String == current { servedBy += 1 }
        }
        figures["replicas_serving_new_version"] = servedBy
        if publish.figures.failures > 0 { broken.append("\(backend): \(publish.figures.failures) requests failed while a version was published (\(failures.drain()))") }
        if servedBy != 2 { broken.append("\(backend): \(2 - servedBy) replica(s) still serve the old version") }

        // Rolling restart: SIGTERM a (it must exit 0), start it, then b.
        let rolling = try await underLoad {
            _ = try await scriptOffPool(["restart", directory.path, "a"], in: directory)
            _ = try await scriptOffPool(["restart", directory.path, "b"], in: directory)
        }
        figures["rolling_restart_failed_requests"] = rolling.figures.failures
        figures["rolling_restart_seconds"] = rolling.event.seconds
        figures["rolling_restart_requests"] = rolling.figures.samples.count
        if rolling.figures.failures > 0 { broken.append("\(backend): \(rolling.figures.failures) requests failed during a rolling restart (\(failures.drain()))") }
        _ = failures.drain()

        // kill -9: at most the requests in flight (on either replica) may fail.
        let flying = Mutex(0)
        let killed = try await underLoad {
            flying.withLock { $0 = inFlight.value }
            _ = try await scriptOffPool(["kill", directory.path, "a"], in: directory)
        }
        let inFlightAtKill = flying.withLock { $0 }
        figures["kill9_failed_requests"] = killed.figures.failures
        figures["kill9_in_flight"] = inFlightAtKill
        figures["kill9_failed_beyond_in_flight"] = max(0, killed.figures.failures - inFlightAtKill)

        // Latency, steady: login (Argon2 each), /search, /messages through nginx.
        let logins = try await load.run(concurrency: 2, seconds: seconds / 2) { _, _ in
            let reply = try await load.send("/api/v1/auth/login", ["email": "member2@bench.test", "password": "Bench-pass-2026"], token: nil)
            return .init(milliseconds: reply.milliseconds, modelMilliseconds: 0, ok: reply.status == 200)
        }
        let searches = try await load.run(concurrency: concurrency, seconds: seconds) { worker, i in
            try await load.search(creator: "demo", query: questions[(worker + i) % questions.count], token: token)
        }
        let messages = try await load.run(concurrency: concurrency, seconds: seconds) { worker, i in
            try await load.message(conversation: conversations[worker], content: questions[(worker + i) % questions.count], token: token)
        }
        for (name, measured) in [("login", logins), ("search", searches), ("messages", messages)] {
            let json = measured.json
            figures["\(name)_p50_ms"] = json["p50_ms"]
            figures["\(name)_p99_ms"] = json["p99_ms"]
            figures["\(name)_requests_per_second"] = json["requests_per_second"]
            figures["\(name)_failed_requests"] = measured.failures
        }
        try await client.shutdown()
        return figures
    }
}

/// A shared count (requests in flight, or a stop flag).
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func add(_ delta: Int) { count.add(delta, ordering: .relaxed) }
}

/// What the failed requests of a phase got, for the report.
final class FailureLog: Sendable {
    private let reasons = Mutex<[String: Int]>([:])
    func record(_ reason: String) { reasons.withLock { $0[reason, default: 0] += 1 } }
    /// The reasons so far, counted, and forgotten.
    func drain() -> String {
        reasons.withLock { reasons in
            defer { reasons = [:] }
            return reasons.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: ", ")
        }
    }
}
