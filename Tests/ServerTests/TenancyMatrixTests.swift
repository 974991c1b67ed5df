import Foundation
import NIOHTTP1
import Testing

/// Every route × role × tenant: a member reaches only its creator's index and its own
/// conversations, a creator its own tenant, an admin every index but nobody's conversations.
@Suite("Tenancy matrix") struct TenancyMatrixTests {
    enum Caller: String, CaseIterable {
        case anonymous, admin, creatorDemo, creatorOther, memberDemo, memberDemo2, memberOther
    }

    @Test func everyRouteRoleAndTenant() async throws {
        let server = try await ServerHarness.start { $0.registration = .open }
        defer { Task { await server.stop() } }
        _ = try await server.request(.POST, "/api/v1/auth/register", json: ["email": "second@demo.test", "password": "Other-member-42", "creator": "demo"])
        var tokens: [Caller: String] = [:]
        tokens[.admin] = try await server.token("admin@x.test")
        tokens[.creatorDemo] = try await server.token("creator@demo.test")
        tokens[.creatorOther] = try await server.token("creator@other.test")
        tokens[.memberDemo] = try await server.token("member@demo.test")
        tokens[.memberDemo2] = try await server.login("second@demo.test", password: "Other-member-42").access
        tokens[.memberOther] = try await server.token("member@other.test")
        // The conversation every row probes belongs to memberDemo.
        let owned = try await server.request(.POST, "/api/v1/creators/demo/conversations", json: [:], token: tokens[.memberDemo])
        let conversation = try #require(owned.json["id"] as? String)
        // So is the API key the DELETE row probes (creatorDemo's).
        let key = try await server.request(.POST, "/api/v1/auth/api-keys", json: ["name": "probe", "scopes": ["search"]], token: tokens[.creatorDemo])
        let keyID = try #require(key.json["id"] as? String)

        struct Row { var method: HTTPMethod; var path: String; var body: [String: Any]?; var expected: [Caller: Int] }
        let demoTenant: [Caller: Int] = [.anonymous: 401, .admin: 200, .creatorDemo: 200, .creatorOther: 403, .memberDemo: 200, .memberDemo2: 200, .memberOther: 403]
        let ownerOnly: [Caller: Int] = [.anonymous: 401, .admin: 404, .creatorDemo: 404, .creatorOther: 404, .memberDemo: 200, .memberDemo2: 404, .memberOther: 404]
        let everyone: [Caller: Int] = [.anonymous: 401, .admin: 200, .creatorDemo: 200, .creatorOther: 200, .memberDemo: 200, .memberDemo2: 200, .memberOther: 200]
        func with(_ base: [Caller: Int], _ status: Int) -> [Caller: Int] { base.mapValues { $0 == 200 ? status : $0 } }
        let rows: [Row] = [
            Row(method: .POST, path: "/api/v1/creators/demo/search", body: ["query": "sleep"], expected: demoTenant),
            Row(method: .POST, path: "/api/v1/creators/other/search", body: ["query": "guitar"],
                expected: [.anonymous: 401, .admin: 200, .creatorDemo: 403, .creatorOther: 200, .memberDemo: 403, .memberDemo2: 403, .memberOther: 200]),
            Row(method: .POST, path: "/api/v1/creators/nosuch/search", body: ["query": "x"],
                expected: [.anonymous: 401, .admin: 404, .creatorDemo: 403, .creatorOther: 403, .memberDemo: 403, .memberDemo2: 403, .memberOther: 403]),
            Row(method: .POST, path: "/api/v1/creators/demo/conversations", body: [:], expected: with(demoTenant, 201)),
            Row(method: .GET, path: "/api/v1/conversations", body: nil, expected: everyone),
            Row(method: .GET, path: "/api/v1/conversations/\(conversation)/messages", body: nil, expected: ownerOnly),
            Row(method: .POST, path: "/api/v1/conversations/\(conversation)/messages", body: ["content": "How long should adults sleep?"], expected: ownerOnly),
            Row(method: .POST, path: "/api/v1/ai/conversations", body: ["query": "How long should adults sleep?", "creator_id": "demo"], expected: demoTenant),
            Row(method: .POST, path: "/api/v1/ai/conversations", body: ["query": "How long should adults sleep?", "creator_id": "demo", "conversation_id": conversation],
                expected: [.anonymous: 401, .admin: 404, .creatorDemo: 404, .creatorOther: 403, .memberDemo: 200, .memberDemo2: 404, .memberOther: 403]),
            Row(method: .POST, path: "/api/v1/auth/api-keys", body: ["name": "k", "scopes": ["search"]],
                expected: [.anonymous: 401, .admin: 201, .creatorDemo: 201, .creatorOther: 201, .memberDemo: 403, .memberDemo2: 403, .memberOther: 403]),
            Row(method: .GET, path: "/api/v1/auth/api-keys", body: nil,
                expected: [.anonymous: 401, .admin: 200, .creatorDemo: 200, .creatorOther: 200, .memberDemo: 403, .memberDemo2: 403, .memberOther: 403]),
            Row(method: .GET, path: "/api/v1/auth/me", body: nil, expected: everyone),
            Row(method: .GET, path: "/api/v1/me/export", body: nil, expected: everyone),
            Row(method: .DELETE, path: "/api/v1/conversations/\(conversation)", body: nil, expected: with(ownerOnly, 204)),
            Row(method: .DELETE, path: "/api/v1/auth/api-keys/\(keyID)", body: nil,
                expected: [.anonymous: 401, .admin: 404, .creatorDemo: 204, .creatorOther: 404, .memberDemo: 403, .memberDemo2: 403, .memberOther: 403]),
        ]
        var failures: [String] = []
        for row in rows {
            // The owner's DELETE runs last so the other rows still find the conversation.
            for caller in Caller.allCases.sorted(by: { ($0 == .memberDemo ? 1 : 0) < ($1 == .memberDemo ? 1 : 0) }) {
                let reply = try await server.request(row.method, row.path, json: row.body, token: tokens[caller])
                if reply.status != row.expected[caller] {
                    failures.append("\(row.method) \(row.path) as \(caller): \(reply.status), expected \(row.expected[caller] ?? 0)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        // Listings show only the caller's own conversations.
        let others = try await server.request(.GET, "/api/v1/conversations", token: tokens[.memberDemo2])
        let listed = try #require(others.json["conversations"] as? [[String: Any]])
        #expect(listed.allSatisfy { $0["id"] as? String != conversation })
    }
}
