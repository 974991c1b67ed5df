import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import VectorIndex

/// `coachrag-bench server`: a closed-loop load generator against the real `coachrag serve`
/// (release binary) over loopback, with the local embedder and a fake Ollama answering after a
/// fixed delay. Measures `/search` (repeated questions, which the query-vector cache serves, and
/// unique ones, which the model embeds) and `/messages` at fixed concurrency levels; the server
/// overhead (latency minus the model calls the response reports); RSS with 1,000 creators
/// registered and 100 open; `/search` p99 under a login flood against the same load quiet; and
/// failed requests while `CURRENT` flips 100 times under load.
/// The load generator shares the machine's cores with the server.
struct ServerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "server", abstract: "Load-test coachrag serve: /search and /messages latency, overhead, RSS, hot swaps.")

    @Option(help: "Concurrency levels (comma-separated).") var concurrency = "1,8,32"
    @Option(help: "Seconds per measurement.") var seconds: Double = 5
    @Option(help: "Creators registered for the RSS measurement.") var creators = 1000
    @Option(help: "Of those, creators whose index is opened.") var open = 100
    @Option(help: "CURRENT flips during the hot-swap load.") var flips = 100
    @Option(help: "Fake Ollama: generated tokens and the delay between them (ms).") var tokens = 10
    @Option var tokenDelayMs: Double = 10
    @Option(help: "The coachrag binary (default: next to this one).") var binary: String?
    @Option(help: "Questions asked through the widget in headless Chromium.") var browserQuestions = 10
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        let levels = concurrency.split(separator: ",").compactMap { Int($0) }
        let executable = binary ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("coachrag").path
        setenv("COACHRAG_BINARY", executable, 1)  // CommandRunner runs this binary
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("coachrag-server-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let indexes = root.appendingPathComponent("indexes"), state = root.appendingPathComponent("state")

        // Data: the demo corpus ingested twice (two versions to flip between), then the live
        // file hard-linked into `creators` more creator folders.
        for force in [false, true] {
            let ingest = try CommandRunner.run(["ingest", "--pipeline", "pipelines/demo.yml", "--indexes", indexes.path, "--no-cache"] + (force ? ["--force"] : []), timeout: 600)
            guard ingest.status == 0 else { throw ValidationError("ingest failed: \(ingest.stderr)") }
        }
        let store = IndexStore(root: indexes)
        let live = try store.currentURL(creator: "demo")
        for number in 0..<creators {
            let directory = indexes.appendingPathComponent("c\(number)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.linkItem(at: live, to: directory.appendingPathComponent("v000001.cidx"))
            try "v000001.cidx\n".write(to: directory.appendingPathComponent("CURRENT"), atomically: true, encoding: .utf8)
        }
        for (email, role, creator) in [("admin@bench.test", "admin", nil), ("coach@bench.test", "creator", "demo"), ("member@bench.test", "member", "demo")] as [(String, String, String?)] {
            let created = try CommandRunner.run(["user", "create", "--email", email, "--role", role, "--password", "Bench-pass-2026", "--state", state.path] + (creator.map { ["--creator", $0] } ?? []))
            guard created.status == 0 else { throw ValidationError("user create failed: \(created.stderr)") }
        }

        let ollama = try FakeOllama()
        ollama.behaviour.chatTokens = (0..<tokens).map { $0 == tokens - 1 ? "done [1]." : "word\($0) " }
        ollama.behaviour.chatTokenDelay = tokenDelayMs / 1000
        let server = Process()
        server.executableURL = URL(fileURLWithPath: executable)
        server.arguments = ["serve", "--port", "0", "--indexes", indexes.path, "--state", state.path, "--rate-limit", "0", "--auth-rate-limit", "0", "--browser-key-rate-limit", "0", "--quiet", "--max-open-indexes", String(max(open + 8, 64))]
        var environment = ProcessInfo.processInfo.environment
        environment["OLLAMA_HOST"] = ollama.host
        server.environment = environment
        let errors = Pipe()
        server.standardError = errors
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        let port = try ServerOutput.listeningPort(errors.fileHandleForReading)

        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(levels.max() ?? 1, 8) + 4
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let load = LoadClient(client: client, base: "http://127.0.0.1:\(port)")
        let member = try await load.login("member@bench.test", "Bench-pass-2026")
        let admin = try await load.login("admin@bench.test", "Bench-pass-2026")
        let questions = try Self.questions()

        var result: [String: Any] = ["concurrency": levels, "seconds_per_level": seconds]
        // Warm-up: the model loads on the first query.
        _ = try await load.search(creator: "demo", query: questions[0], token: member)

        for level in levels {
            let cached = try await load.run(concurrency: level, seconds: seconds) { worker, i in
                try await load.search(creator: "demo", query: questions[(worker + i) % questions.count], token: member)
            }
            let unique = try await load.run(concurrency: level, seconds: seconds) { worker, i in
                try await load.search(creator: "demo", query: "\(questions[(worker + i) % questions.count]) (\(worker)-\(i)-\(UUID().uuidString.prefix(6)))", token: member)
            }
            let conversations = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<level { group.addTask { try await load.conversation(creator: "demo", token: member) } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            let messages = try await load.run(concurrency: level, seconds: seconds) { worker, i in
                try await load.message(conversation: conversations[worker], content: questions[(worker + i) % questions.count], token: member)
            }
            for (name, figures) in [("search", cached), ("search_unique", unique), ("messages", messages)] {
                result["\(name)_c\(level)"] = figures.json
            }
        }
        if let top = levels.max(), let bottom = levels.min() {
            let cached = result["search_c\(top)"] as? [String: Double] ?? [:], unique = result["search_unique_c\(top)"] as? [String: Double] ?? [:]
            let messages = result["messages_c\(top)"] as? [String: Double] ?? [:]
            result["search_p99_ms"] = cached["p99_ms"]
            result["search_unique_p99_ms"] = unique["p99_ms"]
            result["messages_p99_ms"] = messages["p99_ms"]
            // The server's own work per request: latency minus the model time it reports, at the
            // lowest concurrency (at higher levels the difference is mostly waiting for a core).
            let alone = [result["search_c\(bottom)"], result["messages_c\(bottom)"]].compactMap { ($0 as? [String: Double])?["overhead_p99_ms"] }
            result["overhead_p99_ms"] = alone.max()
        }

        // The chat clients' routes at one client, next to /messages: the OpenAI-compatible
        // endpoint streamed and not, and /messages streamed (overhead: latency minus the model
        // time the answer reports).
        let streamConversation = try await load.conversation(creator: "demo", token: member)
        for name in ["messages_stream", "v1", "v1_stream"] {
            let figures = try await load.run(concurrency: 1, seconds: seconds) { _, i -> LoadClient.Sample in
                let question = questions[i % questions.count]
                switch name {
                case "messages_stream": return try await load.streamedMessage(conversation: streamConversation, content: question, token: member)
                default: return try await load.completion(content: question, stream: name == "v1_stream", token: member)
                }
            }
            result["\(name)_c1"] = figures.json
            result["\(name)_overhead_p99_ms"] = figures.json["overhead_p99_ms"]
        }
        result["messages_overhead_p99_ms"] = (result["messages_c1"] as? [String: Double])?["overhead_p99_ms"]

        // The widget: its size, and the time from Send to the first rendered token in headless
        // Chromium (the demo page, a key allowed from it, every question new).
        let widgetFile = URL(fileURLWithPath: "Sources/Server/Resources/widget/widget.js")
        result["widget_bytes"] = Double((try? Data(contentsOf: widgetFile))?.count ?? 0)
        result["widget_gzip_bytes"] = Double(try Self.gzipSize(widgetFile))
        let coach = try await load.login("coach@bench.test", "Bench-pass-2026")
        let widgetKey = try await load.apiKey(token: coach, origin: "http://127.0.0.1:\(port)")
        let browser = try CommandRunner.run(["Tests/ServerTests/Clients/widget_browser.py", "first_token", "http://127.0.0.1:\(port)", widgetKey, String(browserQuestions)],
                                            executable: URL(fileURLWithPath: ".venv/bin/python"), timeout: 600)
        guard browser.status == 0, let measured = try JSONSerialization.jsonObject(with: Data(browser.stdout.utf8)) as? [String: [Double]] else {
            throw ValidationError("widget_browser.py first_token failed (run scripts/setup.sh): \(browser.stderr)")
        }
        let firstTokens = (measured["first_token_ms"] ?? []).sorted()
        result["widget_first_token_p50_ms"] = firstTokens.isEmpty ? 0 : firstTokens[firstTokens.count / 2]
        result["widget_first_token_max_ms"] = firstTokens.last ?? 0

        // Login flood: 16 clients send wrong passwords for ever-new emails (each costs an Argon2
        // check, the most expensive thing an anonymous client can ask for) while 8 clients
        // search; compared with the same search load just before, quiet.
        let quiet = try await load.run(concurrency: 8, seconds: seconds) { worker, i in
            try await load.search(creator: "demo", query: questions[(worker + i) % questions.count], token: member)
        }
        let flood = Task { try await load.run(concurrency: 16, seconds: seconds + 1) { worker, i in try await load.failedLogin(worker: worker, attempt: i) } }
        try await Task.sleep(for: .milliseconds(500))
        let flooded = try await load.run(concurrency: 8, seconds: seconds) { worker, i in
            try await load.search(creator: "demo", query: questions[(worker + i) % questions.count], token: member)
        }
        let floodFigures = try await flood.value
        let quietP99 = quiet.json["p99_ms"] ?? 0, floodedP99 = flooded.json["p99_ms"] ?? 0
        result["search_c8_quiet"] = quiet.json
        result["search_c8_login_flood"] = flooded.json
        result["login_flood"] = floodFigures.json
        result["login_flood_search_p99_ratio"] = quietP99 > 0 ? floodedP99 / quietP99 : 0

        // Memory: every creator registered, `open` of them opened by a search each.
        for number in 0..<min(open, creators) {
            _ = try await load.search(creator: "c\(number)", query: questions[number % questions.count], token: admin)
        }
        let memory = Self.memory(pid: server.processIdentifier)
        result["rss_megabytes"] = memory.anon
        result["rss_file_megabytes"] = memory.file
        result["creators_registered"] = creators + 1
        result["creators_open"] = min(open, creators) + 1

        // Hot swap: CURRENT flips between the two demo versions while 8 clients search.
        let flipper = Task {
            for flip in 0..<flips {
                try store.rollback(creator: "demo", to: flip % 2 == 0 ? "v000001.cidx" : "v000002.cidx")
                try await Task.sleep(for: .milliseconds(max(10, Int(seconds * 1000) / max(flips, 1))))
            }
        }
        let swapping = try await load.run(concurrency: 8, seconds: seconds) { worker, i in
            try await load.search(creator: "demo", query: questions[(worker + i) % questions.count], token: member)
        }
        try await flipper.value
        result["flips"] = flips
        result["flip_failed_requests"] = swapping.failures
        result["failed_requests"] = (result.values.compactMap { ($0 as? [String: Double])?["failures"] }.reduce(0, +)) + Double(swapping.failures)

        try await client.shutdown()
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        result["clean_exit"] = server.terminationStatus == 0

        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("server  demo index, local embedder, fake Ollama (\(tokens) tokens × \(Int(tokenDelayMs)) ms), \(seconds) s per level")
            for level in levels {
                for name in ["search", "search_unique", "messages"] {
                    let f = result["\(name)_c\(level)"] as? [String: Double] ?? [:]
                    print(String(format: "  %-14@ c=%-3d p50 %7.2f  p95 %7.2f  p99 %7.2f ms  %7.1f req/s  overhead p99 %5.2f ms  failures %.0f",
                                 name as NSString, level, f["p50_ms"] ?? 0, f["p95_ms"] ?? 0, f["p99_ms"] ?? 0, f["requests_per_second"] ?? 0, f["overhead_p99_ms"] ?? 0, f["failures"] ?? 0))
                }
            }
            for name in ["messages", "messages_stream", "v1", "v1_stream"] {
                let f = result["\(name)_c1"] as? [String: Double] ?? [:]
                print(String(format: "  %-16@ c=1  p50 %7.2f  p99 %7.2f ms  overhead p99 %5.2f ms", name as NSString, f["p50_ms"] ?? 0, f["p99_ms"] ?? 0, f["overhead_p99_ms"] ?? 0))
            }
            print(String(format: "  widget.js %.0f bytes (%.0f gzip); first rendered token in headless Chromium p50 %.1f ms, max %.1f ms",
                         result["widget_bytes"] as? Double ?? 0, result["widget_gzip_bytes"] as? Double ?? 0,
                         result["widget_first_token_p50_ms"] as? Double ?? 0, result["widget_first_token_max_ms"] as? Double ?? 0))
            let flood = result["login_flood"] as? [String: Double] ?? [:]
            print(String(format: "  login flood (16 clients, wrong passwords, %.0f req/s answered 401/429/503): /search c=8 p99 %.2f ms quiet → %.2f ms flooded (%.2f×)",
                         flood["requests_per_second"] ?? 0, (result["search_c8_quiet"] as? [String: Double])?["p99_ms"] ?? 0,
                         (result["search_c8_login_flood"] as? [String: Double])?["p99_ms"] ?? 0, result["login_flood_search_p99_ratio"] as? Double ?? 0))
            print(String(format: "  RSS %.1f MB anonymous + %.1f MB mapped files, %d creators registered, %d open", memory.anon, memory.file, creators + 1, min(open, creators) + 1))
            print("  hot swap: \(flips) flips under 8-client load, \(swapping.failures) failed requests; clean exit: \(result["clean_exit"] ?? false)")
        }
    }

    /// Bytes of `file` compressed by `gzip -9`.
    static func gzipSize(_ file: URL) throws -> Int {
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-9c", file.path]
        let output = Pipe()
        gzip.standardOutput = output
        try gzip.run()
        let count = output.fileHandleForReading.readDataToEndOfFile().count
        gzip.waitUntilExit()
        return count
    }

    static func questions() throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "corpora/demo-questions.json"))
        let object = try JSONSerialization.jsonObject(with: data)
        let items = (object as? [[String: Any]]) ?? ((object as? [String: Any])?["questions"] as? [[String: Any]]) ?? []
        let questions = items.compactMap { $0["question"] as? String }
        guard !questions.isEmpty else { throw ValidationError("corpora/demo-questions.json has no questions") }
        return questions
    }

    /// RssAnon and RssFile of a process, MB.
    static func memory(pid: Int32) -> (anon: Double, file: Double) {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }
        return (field("RssAnon") + field("RssShmem"), field("RssFile"))
    }
}

/// The load generator's HTTP side: requests, closed-loop workers and latency statistics.
struct LoadClient: Sendable {
    let client: HTTPClient
    let base: String

    struct Sample: Sendable { var milliseconds: Double; var modelMilliseconds: Double; var ok: Bool }

    struct Figures: Sendable {
        var samples: [Sample]
        var seconds: Double
        var failures: Int { samples.filter { !$0.ok }.count }
        var json: [String: Double] {
            let ok = samples.filter(\.ok)
            let latencies = ok.map(\.milliseconds).sorted(), overheads = ok.map { max(0, $0.milliseconds - $0.modelMilliseconds) }.sorted()
            func percentile(_ values: [Double], _ p: Double) -> Double { values.isEmpty ? 0 : values[min(values.count - 1, Int(Double(values.count) * p))] }
            return ["p50_ms": percentile(latencies, 0.5), "p95_ms": percentile(latencies, 0.95), "p99_ms": percentile(latencies, 0.99),
                    "overhead_p50_ms": percentile(overheads, 0.5), "overhead_p99_ms": percentile(overheads, 0.99),
                    "requests": Double(samples.count), "requests_per_second": Double(ok.count) / seconds, "failures": Double(failures)]
        }
    }

    func run(concurrency: Int, seconds: Double, _ request: @escaping @Sendable (Int, Int) async throws -> Sample) async throws -> Figures {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let samples = try await withThrowingTaskGroup(of: [Sample].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var samples: [Sample] = []
                    var i = 0
                    while ContinuousClock.now < deadline {
                        samples.append((try? await request(worker, i)) ?? Sample(milliseconds: 0, modelMilliseconds: 0, ok: false))
                        i += 1
                    }
                    return samples
                }
            }
            return try await group.reduce(into: [Sample]()) { $0 += $1 }
        }
        return Figures(samples: samples, seconds: seconds)
    }

    func send(_ path: String, _ body: [String: Any], token: String?) async throws -> (status: Int, json: [String: Any], milliseconds: Double) {
        let reply = try await sendRaw(path, body, token: token)
        let json = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
        return (reply.status, json, reply.milliseconds)
    }

    /// POSTs `body` and reads the whole response (a stream to its end).
    func sendRaw(_ path: String, _ body: [String: Any], token: String?) async throws -> (status: Int, body: Data, milliseconds: Double) {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let started = ContinuousClock.now
        let response = try await client.execute(request, timeout: .seconds(60))
        let data = try await response.body.collect(upTo: 1 << 24)
        let elapsed = ContinuousClock.now - started
        return (Int(response.status.code), Data(data.readableBytesView), elapsed.seconds * 1000)
    }

    func login(_ email: String, _ password: String) async throws -> String {
        let reply = try await send("/api/v1/auth/login", ["email": email, "password": password], token: nil)
        guard let token = reply.json["access_token"] as? String else { throw ValidationError("login \(email) failed: \(reply.json)") }
        return token
    }

    func search(creator: String, query: String, token: String) async throws -> Sample {
        let reply = try await send("/api/v1/creators/\(creator)/search", ["query": query, "k": 4], token: token)
        let embed = (reply.json["timings"] as? [String: Any])?["embed_ms"] as? Double ?? 0
        return Sample(milliseconds: reply.milliseconds, modelMilliseconds: embed, ok: reply.status == 200)
    }

    /// A wrong password for an email never seen before: refused with 401 after an Argon2
    /// check, or at once with 429/503 when a bound is reached — all count as answered.
    func failedLogin(worker: Int, attempt: Int) async throws -> Sample {
        let reply = try await send("/api/v1/auth/login", ["email": "flood\(worker)-\(attempt)@bench.test", "password": "Wrong-password-1"], token: nil)
        return Sample(milliseconds: reply.milliseconds, modelMilliseconds: 0, ok: [401, 429, 503].contains(reply.status))
    }

    /// A chat key of the caller's allowed from `origin` (the widget's).
    func apiKey(token: String, origin: String) async throws -> String {
        let reply = try await send("/api/v1/auth/api-keys", ["name": "bench widget", "scopes": ["chat"], "allowed_origins": [origin]], token: token)
        guard let key = reply.json["key"] as? String else { throw ValidationError("api key: \(reply.json)") }
        return key
    }

    /// `POST /v1/chat/completions`; model time from the `coachrag.timings` of the completion
    /// (or of the stream's last chunk).
    func completion(content: String, stream: Bool, token: String) async throws -> Sample {
        let body: [String: Any] = ["model": "coach-demo", "stream": stream, "messages": [["role": "user", "content": content]]]
        let reply = try await sendRaw("/v1/chat/completions", body, token: token)
        let text = String(decoding: reply.body, as: UTF8.self)
        let final = stream
            ? text.components(separatedBy: "\n\n").last { $0.contains("\"coachrag\"") }.map { String($0.dropFirst(6)) } ?? ""
            : text
        let json = (try? JSONSerialization.jsonObject(with: Data(final.utf8))) as? [String: Any] ?? [:]
        let rag = json["coachrag"] as? [String: Any] ?? [:]
        let timings = rag["timings"] as? [String: Any] ?? [:]
        let model = (timings["embed_ms"] as? Double ?? 0) + (timings["generation_ms"] as? Double ?? 0)
        return Sample(milliseconds: reply.milliseconds, modelMilliseconds: model, ok: reply.status == 200 && rag["mode"] as? String == "generated")
    }

    /// `POST /messages` with `stream: true`, timed to the end of the stream; model time from
    /// the `done` event's message.
    func streamedMessage(conversation: String, content: String, token: String) async throws -> Sample {
        let reply = try await sendRaw("/api/v1/conversations/\(conversation)/messages", ["content": content, "stream": true], token: token)
        let text = String(decoding: reply.body, as: UTF8.self)
        let done = text.components(separatedBy: "\n\n").first { $0.hasPrefix("event: done") }
            .flatMap { $0.components(separatedBy: "\ndata: ").last } ?? ""
        let json = (try? JSONSerialization.jsonObject(with: Data(done.utf8))) as? [String: Any] ?? [:]
        let timings = json["timings"] as? [String: Any] ?? [:]
        let model = (timings["embed_ms"] as? Double ?? 0) + (timings["generation_ms"] as? Double ?? 0)
        return Sample(milliseconds: reply.milliseconds, modelMilliseconds: model, ok: reply.status == 200 && json["mode"] as? String == "generated")
    }

    func conversation(creator: String, token: String) async throws -> String {
        let reply = try await send("/api/v1/creators/\(creator)/conversations", [:], token: token)
        guard let id = reply.json["id"] as? String else { throw ValidationError("conversation: \(reply.json)") }
        return id
    }

    func message(conversation: String, content: String, token: String) async throws -> Sample {
        let reply = try await send("/api/v1/conversations/\(conversation)/messages", ["content": content], token: token)
        let timings = reply.json["timings"] as? [String: Any] ?? [:]
        let model = (timings["embed_ms"] as? Double ?? 0) + (timings["generation_ms"] as? Double ?? 0)
        return Sample(milliseconds: reply.milliseconds, modelMilliseconds: model, ok: reply.status == 200 && reply.json["mode"] as? String == "generated")
    }
}
