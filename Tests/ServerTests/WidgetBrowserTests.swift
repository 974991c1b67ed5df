import Foundation
import Testing
import TestSupport

/// The embeddable web widget in a real headless Chromium (Debian's `chromium` and
/// `chromium-driver`, driven by selenium from `.venv`): the demo page, a streamed answer with
/// its citation and page, the session's conversation, keyboard and mobile use, a strict CSP,
/// markup shown as text, and a page on another origin allowed or refused by the key's origins.
@Suite("Web widget", .serialized) struct WidgetBrowserTests {
    static let script = TestPaths.packageRoot.appendingPathComponent("Tests/ServerTests/Clients/widget_browser.py")

    static func run(_ arguments: [String]) async throws -> [String: Any] {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "no /usr/bin/chromedriver: run scripts/setup.sh")
        let outcome = try await CommandRunner.runOffPool([script.path] + arguments, executable: TestPaths.python, timeout: 300)
        try #require(outcome.status == 0, "widget_browser.py \(arguments.first ?? "") failed: \(outcome.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any], "\(outcome.stdout)")
    }

    /// A demo-creator chat key allowed from the server's own origin (the demo page's).
    static func widgetKey(_ server: ServerHarness) async throws -> String {
        let creator = try await server.token("creator@demo.test")
        let created = try await server.request(.POST, "/api/v1/auth/api-keys", json: [
            "name": "widget", "scopes": ["chat"], "allowed_origins": ["http://127.0.0.1:\(server.port)"],
        ], token: creator)
        return try #require(created.json["key"] as? String, "\(created.text)")
    }

    @Test func aMemberAsksOnTheDemoPageAndSeesTheStreamedAnswerWithItsCitation() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        server.ollama.behaviour.chatTokenDelay = 0.3
        let key = try await Self.widgetKey(server)
        // Kept after the test: docs/widget.png in the README is this screenshot.
        let screenshot = FileManager.default.temporaryDirectory.appendingPathComponent("coachrag-widget.png")
        let report = try await Self.run(["main", "http://127.0.0.1:\(server.port)", key, screenshot.path])

        #expect(report["focus_on_open"] as? String == "coachrag-input" && report["launcher_expanded"] as? String == "true")
        let ask = try #require(report["ask"] as? [String: Any])
        let messages = try #require(ask["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String ?? "" } == ["user", "assistant"])
        #expect(messages.last?["text"] as? String == "Sleep seven to nine hours [1].", "\(ask)")
        // Streamed: the answer was shown in part before it was complete (a loaded machine may
        // render several tokens at once, so only "some part first" is asked).
        let seen = try #require(ask["seen"] as? [String])
        #expect(seen.count >= 2 && seen.last == "Sleep seven to nine hours [1].", "\(seen)")
        #expect(seen.dropLast().allSatisfy { !$0.isEmpty && "Sleep seven to nine hours [1].".hasPrefix($0) }, "\(seen)")
        let citation = try #require((ask["citations"] as? [[String: Any]])?.first)
        #expect(citation["label"] as? String == "[1] guide.pdf, p. 1")
        #expect((citation["quote"] as? String)?.contains("seven to nine hours") == true && citation["title"] as? String == citation["quote"] as? String)
        #expect(ask["status"] as? String == "" && report["quote_shown"] as? Bool == true)
        #expect(FileManager.default.fileExists(atPath: screenshot.path))

        let roles = try #require(report["roles"] as? [String: Any])
        #expect(roles["log"] as? String == "log" && roles["dialog"] as? String == "dialog" && roles["live"] as? String == "polite")
        // The conversation survives a reload in the same browser session, and a follow-up
        // reaches the server with the earlier turns.
        #expect(((report["after_reload"] as? [String: Any])?["messages"] as? [Any])?.count == 2)
        #expect(((report["follow_up"] as? [String: Any])?["messages"] as? [Any])?.count == 4)
        let followUp = try #require(server.ollama.requests.last { $0.path == "/api/chat" }?.json?["messages"] as? [[String: Any]])
        #expect(followUp.contains { $0["role"] as? String == "assistant" && $0["content"] as? String == "Sleep seven to nine hours [1]." })
        let escaped = try #require(report["after_escape"] as? [String: Any])
        #expect(escaped["panelHidden"] as? Bool == true && escaped["active"] as? String == "coachrag-launcher")
        #expect((report["csp_violations"] as? [Any])?.isEmpty == true, "\(report["csp_violations"] ?? "")")
        let mobile = try #require(report["mobile"] as? [String: Any])
        #expect(mobile["width"] as? Double == mobile["viewport"] as? Double && mobile["left"] as? Double == 0, "\(mobile)")
    }

    @Test func markupInAnAnswerIsShownAsText() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        server.ollama.behaviour.chatTokens = ["<img src=x onerror=\"window.__pwned=true\">", " <b>bold</b>", " <script>window.__pwned=true</script> [1]."]
        let key = try await Self.widgetKey(server)
        let report = try await Self.run(["markup", "http://127.0.0.1:\(server.port)", key])
        let answer = try #require((report["messages"] as? [[String: Any]])?.last)
        #expect(answer["text"] as? String == server.ollama.behaviour.chatTokens.joined(), "\(report)")
        #expect(answer["elements"] as? Int == 0)
        let injected = try #require(report["injected"] as? [String: Any])
        #expect(injected["img"] as? Int == 0 && injected["b"] as? Int == 0 && injected["script"] as? Int == 0 && injected["pwned"] as? Bool == false)
    }

    @Test func aPageOnAnotherOriginWorksOnlyWhenTheKeyAllowsIt() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let creator = try await server.token("creator@demo.test")
        let report = try await Self.run(["cross_origin", "http://127.0.0.1:\(server.port)", creator])
        let allowed = try #require(report["allowed"] as? [String: Any])
        #expect((allowed["messages"] as? [[String: Any]])?.last?["text"] as? String == "Sleep seven to nine hours [1].", "\(allowed)")
        #expect((allowed["citations"] as? [Any])?.count == 1)
        // A key that does not list the site: 403, said plainly, no answer shown (the session's
        // earlier exchange stays).
        let wrongKey = try #require(report["wrong_key"] as? [String: Any])
        #expect(wrongKey["status"] as? String == "This chat is not available on this site.", "\(wrongKey)")
        #expect((wrongKey["messages"] as? [[String: Any]])?.map { $0["role"] as? String ?? "" } == ["user", "assistant", "user"])
        // An origin no key lists: the preflight is refused and the browser blocks the request.
        let unknown = try #require(report["unknown_origin"] as? [String: Any])
        #expect((unknown["status"] as? String)?.contains("could not be reached") == true, "\(unknown)")
        #expect((unknown["messages"] as? [[String: Any]])?.map { $0["role"] as? String ?? "" } == ["user"])
    }

    @Test func rateLimitedAndOfflineAreSaidInWords() async throws {
        let server = try await ServerHarness.start { $0.browserKeyRateLimitPerSecond = 0.01; $0.browserKeyRateLimitBurst = 1 }
        defer { Task { await server.stop() } }
        let key = try await Self.widgetKey(server)
        let report = try await Self.run(["errors", "http://127.0.0.1:\(server.port)", key])
        #expect(((report["first"] as? [String: Any])?["citations"] as? [Any])?.count == 1, "\(report["first"] ?? "")")
        let limited = try #require(report["limited"] as? [String: Any])
        #expect((limited["status"] as? String)?.hasPrefix("Too many questions right now; try again in ") == true, "\(limited)")
        let offline = try #require(report["offline"] as? [String: Any])
        #expect(offline["status"] as? String == "You appear to be offline; check the connection and ask again.", "\(offline)")
        // Neither failure leaves an empty answer behind.
        #expect((offline["messages"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == ["user", "assistant", "user", "user"])
    }

    @Test func corsAnswersPreflightsOnlyForAllowedOriginsAndTheKeyChecksItsOwnList() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let key = try await Self.widgetKey(server)
        let own = "http://127.0.0.1:\(server.port)"
        let preflight = [("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "authorization, content-type")]
        let yes = try await server.request(.OPTIONS, "/v1/chat/completions", headers: preflight + [("Origin", own)])
        #expect(yes.status == 204 && yes.headers.first(name: "Access-Control-Allow-Origin") == own)
        #expect(yes.headers.first(name: "Access-Control-Allow-Headers")?.contains("authorization") == true)
        let no = try await server.request(.OPTIONS, "/v1/chat/completions", headers: preflight + [("Origin", "https://evil.example")])
        #expect(no.status == 403 && no.headers.first(name: "Access-Control-Allow-Origin") == nil)
        // Whatever a browser would do: the key's request from another Origin is refused.
        let body: [String: Any] = ["model": "coach-demo", "messages": [["role": "user", "content": "How much sleep?"]]]
        let foreign = try await server.request(.POST, "/v1/chat/completions", json: body, token: key, headers: [("Origin", "https://evil.example")])
        #expect(foreign.status == 403 && (foreign.json["error"] as? [String: Any])?["type"] as? String == "permission_error")
        let fine = try await server.request(.POST, "/v1/chat/completions", json: body, token: key, headers: [("Origin", own)])
        #expect(fine.status == 200 && fine.headers.first(name: "Access-Control-Allow-Origin") == own)
        #expect(fine.headers.first(name: "Access-Control-Expose-Headers")?.contains("Retry-After") == true)
        // The files: cacheable, typed, embeddable anywhere, and a 304 for a known ETag.
        let script = try await server.request(.GET, "/widget.js")
        #expect(script.status == 200 && script.headers.first(name: "Content-Type") == "text/javascript; charset=utf-8")
        #expect(script.headers.first(name: "Cross-Origin-Resource-Policy") == "cross-origin")
        let tag = try #require(script.headers.first(name: "ETag"))
        #expect(try await server.request(.GET, "/widget.js", headers: [("If-None-Match", tag)]).status == 304)
        #expect(try await server.request(.GET, "/widget.css").headers.first(name: "Content-Type") == "text/css; charset=utf-8")
        // The demo page: a strict CSP; an unknown creator is 404; a key that is not one is 422.
        let page = try await server.request(.GET, "/chat/demo?key=\(key)")
        #expect(page.headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true && page.text.contains("data-key=\"\(key)\""))
        #expect(try await server.request(.GET, "/chat/nobody").status == 404)
        #expect(try await server.request(.GET, "/chat/demo?key=%22%3E%3Cscript%3E").status == 422)
    }

    @Test func aBrowserKeyIsRateLimitedPerKeyAcrossVisitors() async throws {
        let server = try await ServerHarness.start { $0.browserKeyRateLimitPerSecond = 0.01; $0.browserKeyRateLimitBurst = 3 }
        defer { Task { await server.stop() } }
        let key = try await Self.widgetKey(server)
        let own = "http://127.0.0.1:\(server.port)"
        let origin = [("Origin", own)]
        var statuses: [Int] = []
        // Different visitors (X-Forwarded-For is not trusted, so all share one address; the
        // per-visitor limit is off in the harness): the key's own bucket still empties.
        for _ in 0..<5 { statuses.append(try await server.request(.GET, "/v1/models", token: key, headers: origin).status) }
        #expect(statuses == [200, 200, 200, 429, 429], "\(statuses)")
        let limited = try await server.request(.GET, "/v1/models", token: key, headers: origin)
        #expect(limited.headers.first(name: "Retry-After") != nil && limited.headers.first(name: "Access-Control-Allow-Origin") == own)
        // A server key (no allowed origins) is not limited per key.
        let serverKey = try await OpenAICompatibilityTests.key(server, scopes: ["chat"])
        for _ in 0..<5 { #expect(try await server.request(.GET, "/v1/models", token: serverKey).status == 200) }
    }
}
