import Foundation
import Testing

/// `/search` through the one retrieval path: hybrid hits with both components and an excerpt,
/// follow-up context, method selection, bad input; and the query a conversation answer used.
@Suite("Retrieval routes") struct RetrievalRouteTests {
    @Test func hybridHitsCarryComponentsAndAnExcerptWithItsPages() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        let reply = try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "How many hours of sleep do adults need?", "k": 2], token: token)
        #expect(reply.status == 200)
        #expect(reply.json["method"] as? String == "hybrid")
        #expect(reply.json["retrieval_query"] as? String == "How many hours of sleep do adults need?")
        #expect((reply.json["confidence"] as? Double ?? 0) > 0.5)
        let hits = try #require(reply.json["hits"] as? [[String: Any]])
        let top = try #require(hits.first)
        #expect((top["text"] as? String)?.hasPrefix("Adults need seven to nine hours") == true)
        #expect((top["lexical"] as? [String: Any])?["rank"] as? Int == 1)
        #expect((top["dense"] as? [String: Any])?["rank"] as? Int == 1)
        let excerpt = try #require(top["excerpt"] as? [String: Any])
        #expect(excerpt["text"] as? String == "Adults need seven to nine hours of sleep each night.")
        #expect(excerpt["start"] as? Int == 0 && excerpt["page_start"] as? Int == 1 && excerpt["page_end"] as? Int == 1)

        let dense = try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "sleep", "method": "dense"], token: token)
        #expect(dense.json["method"] as? String == "dense")
        #expect((dense.json["hits"] as? [[String: Any]])?.allSatisfy { $0["lexical"] is NSNull } == true)
        let lexical = try await server.request(.POST, "/api/v1/creators/other/search", json: ["query": "metronome", "method": "lexical"], token: try await server.token("member@other.test"))
            .json["hits"] as? [[String: Any]]
        #expect(lexical?.count == 1 && (lexical?.first?["text"] as? String)?.contains("metronome") == true)
    }

    @Test func aFollowUpIsSearchedWithItsContext() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        let context: [[String: String]] = [["role": "user", "content": "How should I build a new habit?"], ["role": "assistant", "content": "Start small."]]
        let reply = try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "And how long should it take?", "k": 1, "context": context], token: token)
        #expect(reply.status == 200)
        #expect(reply.json["retrieval_query"] as? String == "How should I build a new habit?\nAnd how long should it take?")
        #expect(((reply.json["hits"] as? [[String: Any]])?.first?["text"] as? String)?.contains("two-minute rule") == true)
    }

    @Test func badRetrievalInputIsANamedError() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        func problem(_ body: [String: Any]) async throws -> (Int, String) {
            let reply = try await server.request(.POST, "/api/v1/creators/demo/search", json: body, token: token)
            return (reply.status, reply.json["detail"] as? String ?? reply.text)
        }
        var (status, detail) = try await problem(["query": "sleep", "context": [["role": "system", "content": "x"]]])
        #expect(status == 422 && detail.hasPrefix("context[0].role"))
        (status, detail) = try await problem(["query": "sleep", "context": Array(repeating: ["role": "user", "content": "x"], count: 101)])
        #expect(status == 422 && detail.contains("at most 100 turns"))
        (status, detail) = try await problem(["query": "sleep", "context": "not a list"])
        #expect(status == 422 && detail.hasPrefix("context"))
        (status, detail) = try await problem(["query": "sleep", "method": "fuzzy"])
        #expect(status == 422 && detail.hasPrefix("method"))
        (status, _) = try await problem(["query": "   "])
        #expect(status == 422)
        // A question's work is capped in word pieces (512), whatever its characters.
        (status, detail) = try await problem(["query": String(repeating: "sleep ", count: 600)])
        #expect(status == 422 && detail.hasPrefix("query: must be at most 512 word pieces"), "\(detail)")
        (status, detail) = try await problem(["query": "sleep", "context": [["role": "user", "content": String(repeating: "nap ", count: 600)]]])
        #expect(status == 422 && detail.hasPrefix("context[0].content: must be at most 512 word pieces"), "\(detail)")
        // Hostile but valid questions get answers, not errors.
        for query in ["?!...", String(repeating: "sleep ", count: 500), "睡眠はどのくらい必要ですか"] {
            (status, detail) = try await problem(["query": query, "context": Array(repeating: ["role": "user", "content": "and then?"], count: 100)])
            #expect(status == 200, "\(detail)")
        }
    }

    @Test func conversationAnswersStoreTheQueryTheyRetrievedWith() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        let created = try await server.request(.POST, "/api/v1/creators/demo/conversations", json: [:] as [String: String], token: token)
        let id = try #require(created.json["id"] as? String)
        let first = try await server.request(.POST, "/api/v1/conversations/\(id)/messages", json: ["content": "How should I build a new habit?"], token: token)
        #expect(first.json["retrieval_query"] as? String == "How should I build a new habit?")
        let second = try await server.request(.POST, "/api/v1/conversations/\(id)/messages", json: ["content": "And how long should it take?"], token: token)
        #expect(second.json["retrieval_query"] as? String == "How should I build a new habit?\nAnd how long should it take?")
        let citation = try #require((second.json["citations"] as? [[String: Any]])?.first)
        #expect((citation["quote"] as? String)?.contains("two minutes") == true)
        let stored = try await server.request(.GET, "/api/v1/conversations/\(id)/messages", token: token).json["messages"] as? [[String: Any]]
        #expect(stored?.compactMap { $0["retrieval_query"] as? String }.last == "How should I build a new habit?\nAnd how long should it take?")
        #expect(stored?.first?["retrieval_query"] == nil, "user messages carry no retrieval query")
    }
}
