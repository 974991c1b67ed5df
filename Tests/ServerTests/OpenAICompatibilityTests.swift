import Foundation
import Testing
import TestSupport

/// `/v1` as OpenAI clients see it: the official `openai` Python package (installed into `.venv`
/// by scripts/setup.sh) against a real server, streaming and not, with an API key and with a
/// token, and its error paths; plus what the package cannot show (the raw stream, 429, storage).
@Suite("OpenAI-compatible API") struct OpenAICompatibilityTests {
    static let question = "How many hours of sleep do adults need?"

    /// A key of the demo creator's with `scopes`.
    static func key(_ server: ServerHarness, scopes: [String]) async throws -> String {
        let creator = try await server.token("creator@demo.test")
        let created = try await server.request(.POST, "/api/v1/auth/api-keys", json: ["name": "openai", "scopes": scopes], token: creator)
        return try #require(created.json["key"] as? String, "\(created.text)")
    }

    @Test func theOfficialOpenAIClientWorksAgainstV1() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let chatKey = try await Self.key(server, scopes: ["chat"])
        let searchKey = try await Self.key(server, scopes: ["search"])
        let member = try await server.token("member@demo.test")
        let script = TestPaths.packageRoot.appendingPathComponent("Tests/ServerTests/Clients/openai_client.py")
        #expect(FileManager.default.isExecutableFile(atPath: TestPaths.python.path), "no \(TestPaths.python.path): run scripts/setup.sh")
        let outcome = try await CommandRunner.runOffPool([script.path, "http://127.0.0.1:\(server.port)/v1", chatKey, searchKey, member],
                                                         executable: TestPaths.python, timeout: 300)
        try #require(outcome.status == 0, "openai_client.py failed: \(outcome.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any], "\(outcome.stdout)")

        // Models: a tenant's own coach only, by key and by token.
        #expect(report["models_key"] as? [String] == ["coach-demo"])
        let byToken = try #require(report["models_token"] as? [String: Any], "\(report["models_token"] ?? "")")
        #expect(byToken["ids"] as? [String] == ["coach-demo"] && byToken["one"] as? String == "coach-demo")

        // A completion with a citation to the right document and page.
        let complete = try #require(report["complete"] as? [String: Any], "\(report["complete"] ?? "")")
        #expect(complete["object"] as? String == "chat.completion" && complete["model"] as? String == "coach-demo")
        #expect(complete["content"] as? String == "Sleep seven to nine hours [1].")
        #expect(complete["finish_reason"] as? String == "stop" && complete["role"] as? String == "assistant")
        let usage = try #require(complete["usage"] as? [String: Any])
        #expect(usage["completion_tokens"] as? Int == 5 && usage["total_tokens"] as? Int == (usage["prompt_tokens"] as? Int ?? 0) + 5)
        let rag = try #require(complete["coachrag"] as? [String: Any])
        let citation = try #require((rag["citations"] as? [[String: Any]])?.first)
        #expect(citation["document"] as? String == "demo/guide.pdf" && citation["page_start"] as? Int == 1)
        #expect((citation["quote"] as? String)?.contains("seven to nine hours") == true)
        #expect(rag["mode"] as? String == "generated" && rag["covered"] as? Bool == true)
        // The application's system message reached the model after the persona; sampling too.
        let generation = try #require(server.ollama.requests.first { $0.path == "/api/chat" }?.json)
        let system = try #require((generation["messages"] as? [[String: Any]])?.first?["content"] as? String)
        #expect(system.contains("Instructions from the application:\nBe brief."))
        #expect((generation["options"] as? [String: Any])?["temperature"] as? Double == 0.1)

        // Streaming: deltas add up to the answer, one finish, a usage chunk, one id.
        let stream = try #require(report["stream"] as? [String: Any], "\(report["stream"] ?? "")")
        #expect(stream["content"] as? String == "Sleep seven to nine hours [1].")
        #expect(stream["first_role"] as? String == "assistant" && stream["finish_reasons"] as? [String] == ["stop"])
        #expect((stream["usage"] as? [[String: Any]])?.count == 1 && (stream["ids"] as? [String])?.count == 1)
        #expect(stream["objects"] as? [String] == ["chat.completion.chunk"])
        #expect(((stream["coachrag"] as? [String: Any])?["citations"] as? [[String: Any]])?.first?["document"] as? String == "demo/guide.pdf")

        // A follow-up is retrieved with the earlier turns.
        let followUp = try #require(report["follow_up"] as? [String: Any], "\(report["follow_up"] ?? "")")
        let retrievalQuery = try #require(followUp["retrieval_query"] as? String)
        #expect(retrievalQuery.contains("running") && retrievalQuery.contains("injury"), "\(retrievalQuery)")
        #expect(((followUp["citations"] as? [[String: Any]])?.first?["quote"] as? String)?.contains("ten percent") == true)

        // max_completion_tokens reaches Ollama's num_predict; hitting it is finish_reason "length".
        let length = try #require(report["length"] as? [String: Any], "\(report["length"] ?? "")")
        #expect(length["content"] as? String == "Sleep seven " && length["finish_reason"] as? String == "length")

        // The confidence guard answers through the same shapes.
        let uncovered = try #require(report["not_covered_stream"] as? [String: Any], "\(report["not_covered_stream"] ?? "")")
        #expect((uncovered["content"] as? String)?.contains("does not cover") == true)
        #expect((uncovered["coachrag"] as? [String: Any])?["covered"] as? Bool == false)

        // Errors arrive as the exceptions the package raises from status and body.
        func failure(_ name: String) -> [String: Any] { ((report[name] as? [String: Any])?["error"] as? [String: Any]) ?? [:] }
        #expect(failure("bad_key")["class"] as? String == "AuthenticationError" && failure("bad_key")["code"] as? String == "invalid_api_key")
        for name in ["unknown_model", "other_tenant"] {
            #expect(failure(name)["class"] as? String == "NotFoundError" && failure(name)["code"] as? String == "model_not_found", "\(name): \(failure(name))")
            #expect(failure(name)["param"] as? String == "model")
        }
        let badRequests = ["bad_temperature": "temperature", "no_user_last": "messages", "image_part": "messages[0].content[0].type",
                           "two_choices": "n", "unknown_parameter": "temprature"]
        for (name, param) in badRequests {
            #expect(failure(name)["class"] as? String == "BadRequestError" && failure(name)["param"] as? String == param, "\(name): \(failure(name))")
            #expect(failure(name)["type"] as? String == "invalid_request_error")
        }
        #expect(failure("search_scope")["class"] as? String == "PermissionDeniedError", "\(failure("search_scope"))")
    }

    @Test func theStreamIsOpenAIsWireFormat() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        let reply = try await server.request(.POST, "/v1/chat/completions", json: [
            "model": "coach-demo", "stream": true, "messages": [["role": "user", "content": Self.question]],
        ], token: token)
        #expect(reply.status == 200 && reply.headers.first(name: "Content-Type") == "text/event-stream")
        let events = reply.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.allSatisfy { $0.hasPrefix("data: ") })
        #expect(events.last == "data: [DONE]")
        let chunks = events.dropLast().compactMap { try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any] }
        #expect(chunks.count == events.count - 1)
        // Without include_usage no chunk has a usage key; every chunk but the last has a null finish_reason.
        #expect(chunks.allSatisfy { $0["usage"] == nil })
        let reasons = chunks.map { (($0["choices"] as? [[String: Any]])?.first?["finish_reason"]) }
        #expect(reasons.dropLast().allSatisfy { $0 is NSNull } && reasons.last as? String == "stop")
        #expect(reply.text.contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}"))
        // Nothing was stored: the exchange is stateless by default.
        let conversations = try await server.request(.GET, "/api/v1/conversations", token: token)
        #expect(conversations.status == 200 && (conversations.json["conversations"] as? [Any])?.isEmpty == true, "\(conversations.text)")
    }

    @Test func generationFailureAnswersExtractivelyThroughTheSameShapes() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        server.ollama.behaviour.chatErrorAfter = 2
        let token = try await server.token("member@demo.test")
        let reply = try await server.request(.POST, "/v1/chat/completions", json: [
            "model": "coach-demo", "stream": true, "messages": [["role": "user", "content": Self.question]],
        ], token: token)
        let chunks = reply.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any] }
        let content = chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String }.joined()
        // What was generated stays, then the quoted material follows.
        #expect(content.hasPrefix("Sleep seven \n\nFrom the coaching material:"), "\(content)")
        let rag = try #require(chunks.last?["coachrag"] as? [String: Any])
        #expect(rag["mode"] as? String == "extractive" && (rag["notice"] as? String)?.contains("quotes the material") == true)
    }

    @Test func storeTrueKeepsTheExchangeAsAConversation() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        let first = try await server.request(.POST, "/v1/chat/completions", json: [
            "model": "coach-demo", "store": true, "metadata": ["title": "sleep"], "messages": [["role": "user", "content": Self.question]],
        ], token: token)
        let id = try #require((first.json["coachrag"] as? [String: Any])?["conversation_id"] as? String, "\(first.text)")
        _ = try await server.request(.POST, "/v1/chat/completions", json: [
            "model": "coach-demo", "store": true, "metadata": ["conversation_id": id], "messages": [["role": "user", "content": "And naps?"]],
        ], token: token)
        let messages = try await server.request(.GET, "/api/v1/conversations/\(id)/messages", token: token)
        let stored = try #require(messages.json["messages"] as? [[String: Any]])
        #expect(stored.compactMap { $0["role"] as? String } == ["user", "assistant", "user", "assistant"])
        #expect(stored.last?["complete"] as? Bool == true)
        // Another user's conversation id is not theirs to append to.
        let other = try await server.token("creator@demo.test")
        let refused = try await server.request(.POST, "/v1/chat/completions", json: [
            "model": "coach-demo", "store": true, "metadata": ["conversation_id": id], "messages": [["role": "user", "content": "Hi"]],
        ], token: other)
        #expect(refused.status == 404 && (refused.json["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
    }

    @Test func rateLimitsAndUnknownRoutesUseOpenAIsErrorObject() async throws {
        let server = try await ServerHarness.start { $0.rateLimitPerSecond = 0.01; $0.rateLimitBurst = 5 }
        defer { Task { await server.stop() } }
        let key = try await Self.key(server, scopes: ["chat"])
        let missing = try await server.request(.GET, "/v1/nothing-here", token: key)
        #expect(missing.status == 404 && missing.headers.first(name: "Content-Type") == "application/json")
        #expect((missing.json["error"] as? [String: Any])?["code"] as? String == "not_found")
        var limited = try await server.request(.GET, "/v1/models", token: key)
        for _ in 0..<10 where limited.status != 429 { limited = try await server.request(.GET, "/v1/models", token: key) }
        #expect(limited.status == 429 && limited.headers.first(name: "Retry-After") != nil)
        let error = try #require(limited.json["error"] as? [String: Any], "\(limited.text)")
        #expect(error["type"] as? String == "rate_limit_error" && error["code"] as? String == "rate_limit_exceeded")
        #expect(error.keys.sorted() == ["code", "message", "param", "type"])
    }
}
