import Embedding
import Foundation
import State
import TestSupport
import Testing
import Tokenization

@Suite("Hot swap and privacy") struct HotSwapAndPrivacyTests {
    @Test func currentFlips100TimesUnderLoadWithoutAFailedRequest() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        let texts = ServerHarness.passages["demo"] ?? []
        let embedder = try LocalEmbedder(modelDirectory: TestPaths.models.appendingPathComponent(LocalEmbedder.modelName), tokenizer: WordPieceTokenizer.bundled())
        let vectors = try await embedder.embed(documents: texts)

        let results = try await withThrowingTaskGroup(of: (failures: [Int], versions: Set<String>).self) { group in
            let deadline = ContinuousClock.now + .seconds(60)
            let flipping = ManagedFlag()
            for _ in 0..<6 {
                group.addTask {
                    var failures: [Int] = [], versions: Set<String> = []
                    while flipping.isSet, ContinuousClock.now < deadline {
                        let reply = try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "How long should adults sleep?", "k": 2], token: token)
                        if reply.status != 200 || (reply.json["hits"] as? [Any])?.isEmpty != false { failures.append(reply.status) }
                        if let version = reply.json["index_version"] as? String { versions.insert(version) }
                    }
                    return (failures, versions)
                }
            }
            for flip in 0..<100 {
                let order = flip % 2 == 0 ? Array(texts.indices) : Array(texts.indices.reversed())
                try ServerHarness.publish(creator: "demo", texts: order.map { texts[$0] }, vectors: order.map { vectors[$0] },
                                          descriptor: embedder.descriptor, root: server.indexRoot)
                try await Task.sleep(for: .milliseconds(20))
            }
            flipping.clear()
            var all: (failures: [Int], versions: Set<String>) = ([], [])
            for try await result in group {
                all.failures += result.failures
                all.versions.formUnion(result.versions)
            }
            return all
        }
        #expect(results.failures.isEmpty, "failed requests: \(results.failures)")
        #expect(results.versions.count > 10, "saw only \(results.versions.sorted())")
        let final = try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "sleep"], token: token)
        #expect(final.json["index_version"] as? String == "v000101.cidx")
        let metrics = try await server.request(.GET, "/metrics")
        #expect(metrics.text.contains("coachrag_index_swaps_total"))
    }

    @Test func exportHoldsEverythingAndDeleteErasesIt() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let tokens = try await server.login("member@demo.test")
        let created = try await server.request(.POST, "/api/v1/creators/demo/conversations", json: [:], token: tokens.access)
        let id = try #require(created.json["id"] as? String)
        _ = try await server.request(.POST, "/api/v1/conversations/\(id)/messages", json: ["content": "How many hours of sleep do adults need?"], token: tokens.access)

        let export = try await server.request(.GET, "/api/v1/me/export", token: tokens.access)
        #expect(export.status == 200)
        #expect((export.json["user"] as? [String: Any])?["email"] as? String == "member@demo.test")
        let conversations = try #require(export.json["conversations"] as? [[String: Any]])
        #expect(conversations.count == 1)
        #expect((conversations.first?["messages"] as? [Any])?.count == 2)
        #expect((export.json["sessions"] as? [Any])?.count == 1)
        #expect(!export.text.contains("password"))
        let member = try #require((export.json["user"] as? [String: Any])?["id"] as? String)

        #expect(try await server.request(.DELETE, "/api/v1/me", json: ["password": ServerHarness.password], token: tokens.access).status == 204)
        #expect(try await server.request(.GET, "/api/v1/auth/me", token: tokens.access).status == 401)
        #expect(try await server.request(.POST, "/api/v1/auth/refresh", json: ["refresh_token": tokens.refresh]).status == 401)
        let login = try await server.request(.POST, "/api/v1/auth/login", json: ["email": "member@demo.test", "password": ServerHarness.password])
        #expect(login.status == 401)
        // Nothing of theirs is left in the database file.
        let state = try await server.openState()
        #expect(try await state.user(email: "member@demo.test") == nil)
        #expect(try await state.conversation(id: id, userID: member) == nil)
        #expect(try await state.messages(conversationID: id, userID: member).isEmpty)
        try await state.close()
    }
}

/// A flag the load tasks poll.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = true
    var isSet: Bool { lock.withLock { value } }
    func clear() { lock.withLock { value = false } }
}
