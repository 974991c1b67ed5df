import Embedding
import Foundation
import NIOHTTP1
@testable import Server
import Testing
import TestSupport

/// Health, readiness, metrics, the OpenAPI document, request ids, limits and problem documents.
@Suite("Operations") struct OperationsTests {
    @Test func healthAndReadiness() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let live = try await server.request(.GET, "/health/live")
        #expect(live.status == 200 && live.json["status"] as? String == "ok")
        // Strangers learn ready or not, nothing more.
        let ready = try await server.request(.GET, "/health/ready")
        #expect(ready.status == 200 && ready.json.keys.sorted() == ["status"] && ready.json["status"] as? String == "ready")
        #expect(!ready.text.contains(server.indexRoot.path) && !ready.text.contains("demo") && !ready.text.contains("11434"))
        // Admins get the detail; others do not.
        let admin = try await server.token("admin@x.test")
        #expect(try await server.request(.GET, "/api/v1/admin/readiness", token: try await server.token("creator@demo.test")).status == 403)
        #expect(try await server.request(.GET, "/api/v1/admin/readiness").status == 401)
        let detail = try await server.request(.GET, "/api/v1/admin/readiness", token: admin)
        #expect(detail.json["database"] as? String == "ok (\(ServerHarness.backend))")
        let indexes = try #require(detail.json["indexes"] as? [String: String])
        #expect(indexes.keys.sorted() == ["demo", "other"])
        #expect(indexes["demo"]?.hasPrefix("ok (v000001.cidx") == true)
        #expect(detail.json["ollama"] as? String == "ok")

        // A corrupt live index is reported for its creator; the instance stays ready.
        let current = server.indexRoot.appendingPathComponent("other/CURRENT")
        try "v000009.cidx\n".write(to: current, atomically: true, encoding: .utf8)
        #expect(try await server.request(.GET, "/health/ready").status == 200)
        let broken = try await server.request(.GET, "/api/v1/admin/readiness", token: admin)
        #expect((broken.json["indexes"] as? [String: String])?["other"]?.hasPrefix("error") == true)
        let metrics = try await server.request(.GET, "/metrics")
        #expect(metrics.text.contains("coachrag_index_ready{creator=\"other\"} 0") && metrics.text.contains("coachrag_index_ready{creator=\"demo\"} 1"))
        // Its members get a 503 in plain words, without file paths.
        let search = try await server.request(.POST, "/api/v1/creators/other/search", json: ["query": "guitar"], token: try await server.token("member@other.test"))
        #expect(search.status == 503 && !search.text.contains(server.indexRoot.path) && !search.text.contains("v000009"))
    }

    @Test func aBrokenPublishKeepsThePreviousVersionServing() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        #expect(try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "sleep"], token: token).status == 200)
        // CURRENT now names a truncated file.
        let directory = server.indexRoot.appendingPathComponent("demo")
        try Data(repeating: 0, count: 100).write(to: directory.appendingPathComponent("v000002.cidx"))
        try "v000002.cidx\n".write(to: directory.appendingPathComponent("CURRENT"), atomically: true, encoding: .utf8)
        for _ in 0..<5 {
            let reply = try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "sleep"], token: token)
            #expect(reply.status == 200 && reply.json["index_version"] as? String == "v000001.cidx")
        }
        // Counted, and retried after a backoff (1 s, doubling) rather than on every request.
        let metrics = try await server.request(.GET, "/metrics")
        let line = metrics.text.split(separator: "\n").first { $0.hasPrefix("coachrag_index_swap_failures_total ") }
        let failures = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        #expect(failures >= 1 && failures < 5, "\(failures) failed swaps for 5 requests")
    }

    @Test func metricsCountRoutesAndIndexLoads() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        _ = try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "sleep"], token: token)
        _ = try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "sleep"], token: token)
        let metrics = try await server.request(.GET, "/metrics")
        #expect(metrics.headers.first(name: "Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        let text = metrics.text
        #expect(text.contains(#"coachrag_http_requests_total{method="POST",route="/api/v1/creators/{creator}/search",status="200"} 2"#), "\(text)")
        #expect(text.contains(#"coachrag_http_request_duration_seconds_count{method="POST",route="/api/v1/creators/{creator}/search"} 2"#))
        #expect(text.contains("coachrag_index_loads_total 1\n"))
        #expect(text.contains("coachrag_index_open_mappings 1"))
        #expect(text.contains("coachrag_query_cache_hits_total 1\n"))
        #expect(text.contains("coachrag_retrieval_duration_seconds_count 2"))
        #expect(text.contains("process_resident_memory_bytes ") && text.contains("process_open_fds ") && text.contains("process_cpu_seconds_total "))
        // Readiness opens every index to check it, but outside the LRU: no loads, no evictions.
        _ = try await server.request(.GET, "/health/ready")
        #expect(try await server.request(.GET, "/metrics").text.contains("coachrag_index_loads_total 1\n"))
        try Self.promtoolAccepts(try await server.request(.GET, "/metrics").text)
    }

    /// `promtool check metrics` (Debian's `prometheus`, installed by scripts/setup.sh) passes
    /// the page: valid exposition format and Prometheus's naming rules. Fails when promtool is
    /// missing rather than skipping.
    static func promtoolAccepts(_ page: String) throws {
        let promtool = Process()
        promtool.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        promtool.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        promtool.standardInput = input
        promtool.standardOutput = output
        promtool.standardError = output
        try promtool.run()
        input.fileHandleForWriting.write(Data(page.utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        promtool.waitUntilExit()
        #expect(promtool.terminationStatus == 0, "promtool check metrics: \(said)")
    }

    @Test func aKnownPathUnderAnotherMethodIs405WithAllow() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        let wrong = try await server.request(.PUT, "/api/v1/conversations/abc/messages", token: token)
        #expect(wrong.status == 405 && wrong.headers.first(name: "Allow") == "GET, POST")
        #expect(wrong.headers.first(name: "Content-Type") == "application/problem+json")
        #expect(try await server.request(.DELETE, "/health/live").status == 405)
        #expect(try await server.request(.GET, "/api/v1/no/such/route", token: token).status == 404)
    }

    @Test func openAPIDocumentMatchesTheRoutes() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let reply = try await server.request(.GET, "/openapi.json")
        #expect(reply.json["openapi"] as? String == "3.1.0")
        let paths = try #require(reply.json["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, operations) in paths {
            for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let services = try await Services.start(configuration: server.configuration)
        defer { Task { await services.shutdown() } }
        let routed = Set(CoachServer.makeRouter(services).routes.map { description -> String in
            let path = description.path.components.map { "\($0)" }.joined(separator: "/")
            return "\(description.method.rawValue) /\(path)".replacingOccurrences(of: "${", with: "{").replacingOccurrences(of: ":", with: "")
        })
        #expect(documented == routed, "only documented: \(documented.subtracting(routed).sorted()); only routed: \(routed.subtracting(documented).sorted())")
        // The prose reference names every operation too, so it cannot drift from the document.
        let prose = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/http-api.md"), encoding: .utf8)
        let undescribed = documented.filter { !prose.contains("`\($0)") }.sorted()
        #expect(undescribed.isEmpty, "docs/http-api.md does not describe \(undescribed)")
    }

    @Test func requestIDsProblemsAndLimits() async throws {
        let server = try await ServerHarness.start { $0.maxBodyBytes = 1024 }
        defer { Task { await server.stop() } }
        let echoed = try await server.request(.GET, "/health/live", headers: [("X-Request-ID", "client-abc-123")])
        #expect(echoed.headers.first(name: "X-Request-ID") == "client-abc-123")
        let generated = try await server.request(.GET, "/health/live", headers: [("X-Request-ID", "bad id with spaces")])
        #expect(generated.headers.first(name: "X-Request-ID").map { $0 != "bad id with spaces" && $0.count == 36 } == true)

        let missing = try await server.request(.GET, "/api/v1/nothing-here")
        #expect(missing.status == 404)
        #expect(missing.headers.first(name: "Content-Type") == "application/problem+json")
        #expect(missing.json["request_id"] as? String == missing.headers.first(name: "X-Request-ID"))

        let big = try await server.request(.POST, "/api/v1/auth/login", json: ["email": String(repeating: "a", count: 2000), "password": "x"])
        #expect(big.status == 413)
        let wrongType = try await server.request(.POST, "/api/v1/auth/login", raw: "{}", headers: [])
        #expect(wrongType.status == 422)
    }

    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        let server = try await ServerHarness.start { $0.rateLimitPerSecond = 0.05; $0.rateLimitBurst = 3 }
        defer { Task { await server.stop() } }
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<5 {
            let reply = try await server.request(.GET, "/health/live")
            statuses.append(reply.status)
            if reply.status == 429 { retryAfter = reply.headers.first(name: "Retry-After") }
        }
        #expect(statuses.prefix(3).allSatisfy { $0 == 200 })
        #expect(statuses.last == 429)
        #expect(Int(retryAfter ?? "") ?? 0 >= 1)
    }

    @Test func embedderMismatchIsAClearError() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        // An index recorded with an Ollama model this (fake) Ollama does not have.
        let descriptor = Embedding.EmbedderDescriptor(provider: .ollama, model: "mxbai-embed-large", dimension: 4, documentPrefix: "", queryPrefix: "", normalized: true)
        try ServerHarness.publish(creator: "other", texts: ["a", "b"], vectors: [[1, 0, 0, 0], [0, 1, 0, 0]], descriptor: descriptor, root: server.indexRoot)
        let token = try await server.token("member@other.test")
        let reply = try await server.request(.POST, "/api/v1/creators/other/search", json: ["query": "guitar"], token: token)
        #expect(reply.status == 503)
        #expect(reply.json["detail"] as? String == "the embedding model of this index is not available right now")
        // Readiness detail (for admins) names the creator that cannot be served and why; the
        // others stay ok, and so does the instance.
        #expect(try await server.request(.GET, "/health/ready").status == 200)
        let ready = try await server.request(.GET, "/api/v1/admin/readiness", token: try await server.token("admin@x.test"))
        let indexes = try #require(ready.json["indexes"] as? [String: String])
        #expect(indexes["other"]?.hasPrefix("error: ") == true && indexes["other"]?.contains("mxbai-embed-large") == true)
        #expect(indexes["demo"]?.hasPrefix("ok") == true)
    }
}
