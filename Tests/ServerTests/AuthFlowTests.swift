import Foundation
import NIOHTTP1
@testable import Server
import State
import TestSupport
import Testing

@Suite("Auth flows over HTTP") struct AuthFlowTests {
    @Test func registerAnswersTheSameForNewAndTakenEmails() async throws {
        let server = try await ServerHarness.start { $0.registration = .open }
        defer { Task { await server.stop() } }
        let fresh = try await server.request(.POST, "/api/v1/auth/register", json: ["email": "new@demo.test", "password": "Another-pass-99", "creator": "demo"])
        let taken = try await server.request(.POST, "/api/v1/auth/register", json: ["email": "member@demo.test", "password": "Another-pass-99", "creator": "demo"])
        #expect(fresh.status == 202)
        #expect(taken.status == 202)
        #expect(fresh.body == taken.body)
        // The new member can log in and reaches its creator; the taken account kept its password.
        let tokens = try await server.login("new@demo.test", password: "Another-pass-99")
        let me = try await server.request(.GET, "/api/v1/auth/me", token: tokens.access)
        #expect(me.json["role"] as? String == "member")
        #expect(me.json["creator"] as? String == "demo")
        _ = try await server.login("member@demo.test")
    }

    @Test func registerValidatesFieldsByName() async throws {
        let server = try await ServerHarness.start { $0.registration = .open }
        defer { Task { await server.stop() } }
        let weak = try await server.request(.POST, "/api/v1/auth/register", json: ["email": "w@demo.test", "password": "short", "creator": "demo"])
        #expect(weak.status == 422)
        #expect(weak.headers.first(name: "Content-Type") == "application/problem+json")
        #expect(((weak.json["errors"] as? [[String: Any]])?.first?["field"] as? String) == "password")
        let unknown = try await server.request(.POST, "/api/v1/auth/register", json: ["email": "w@demo.test", "password": "Another-pass-99", "creator": "demo", "admin": true])
        #expect(unknown.status == 422)
        #expect((unknown.json["detail"] as? String)?.hasPrefix("admin:") == true)
        let missing = try await server.request(.POST, "/api/v1/auth/register", json: ["email": "w@demo.test", "password": "Another-pass-99"])
        #expect(missing.status == 422)
        #expect((missing.json["detail"] as? String) == "creator: is required")
        let wrongType = try await server.request(.POST, "/api/v1/auth/login", json: ["email": 5, "password": "x"])
        #expect(wrongType.status == 422)
        #expect((wrongType.json["detail"] as? String) == "email: must be a string")
        let notJSON = try await server.request(.POST, "/api/v1/auth/login", raw: "{email")
        #expect(notJSON.status == 400)
        let noCreator = try await server.request(.POST, "/api/v1/auth/register", json: ["email": "w@demo.test", "password": "Another-pass-99", "creator": "nobody"])
        #expect(noCreator.status == 404)
    }

    @Test func loginFailuresLookTheSameAndLockOut() async throws {
        let server = try await ServerHarness.start { $0.loginThrottle.limit = 3 }
        defer { Task { await server.stop() } }
        let wrong = try await server.request(.POST, "/api/v1/auth/login", json: ["email": "member@demo.test", "password": "Wrong-password-1"])
        let unknown = try await server.request(.POST, "/api/v1/auth/login", json: ["email": "ghost@demo.test", "password": "Wrong-password-1"])
        #expect(wrong.status == 401 && unknown.status == 401)
        #expect(wrong.json["detail"] as? String == unknown.json["detail"] as? String)
        _ = try await server.request(.POST, "/api/v1/auth/login", json: ["email": "member@demo.test", "password": "Wrong-password-2"])
        _ = try await server.request(.POST, "/api/v1/auth/login", json: ["email": "member@demo.test", "password": "Wrong-password-3"])
        // Locked now: even the right password is refused, with Retry-After.
        let locked = try await server.request(.POST, "/api/v1/auth/login", json: ["email": "member@demo.test", "password": ServerHarness.password])
        #expect(locked.status == 429)
        #expect(Int(locked.headers.first(name: "Retry-After") ?? "") ?? 0 > 0)
        // Other accounts are not affected.
        _ = try await server.login("member@other.test")
    }

    @Test func refreshRotatesAndReuseRevokesTheFamily() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let first = try await server.login("member@demo.test")
        let rotated = try await server.request(.POST, "/api/v1/auth/refresh", json: ["refresh_token": first.refresh])
        #expect(rotated.status == 200)
        #expect(rotated.json["token_type"] as? String == "Bearer")
        #expect(rotated.json["expires_in"] as? Int == 900)
        let second = try #require(rotated.json["refresh_token"] as? String)
        #expect(second != first.refresh)
        let secondAccess = try #require(rotated.json["access_token"] as? String)
        #expect(try await server.request(.GET, "/api/v1/auth/me", token: secondAccess).status == 200)

        // The spent token again: refused, and the whole family is revoked (also the new one).
        let replay = try await server.request(.POST, "/api/v1/auth/refresh", json: ["refresh_token": first.refresh])
        #expect(replay.status == 401)
        #expect(try await server.request(.POST, "/api/v1/auth/refresh", json: ["refresh_token": second]).status == 401)
        #expect(try await server.request(.GET, "/api/v1/auth/me", token: secondAccess).status == 401)
    }

    @Test func logoutEndsTheSession() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let tokens = try await server.login("member@demo.test")
        #expect(try await server.request(.POST, "/api/v1/auth/logout", token: tokens.access).status == 204)
        #expect(try await server.request(.GET, "/api/v1/auth/me", token: tokens.access).status == 401)
        #expect(try await server.request(.POST, "/api/v1/auth/refresh", json: ["refresh_token": tokens.refresh]).status == 401)
    }

    @Test func apiKeysActAsTheCreator() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let creator = try await server.token("creator@demo.test")
        let created = try await server.request(.POST, "/api/v1/auth/api-keys", json: ["name": "ci", "scopes": ["search", "chat"]], token: creator)
        #expect(created.status == 201)
        let key = try #require(created.json["key"] as? String)
        #expect(key.hasPrefix("crk_"))
        let search = try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "sleep"], token: key)
        #expect(search.status == 200)
        #expect(try await server.request(.POST, "/api/v1/creators/other/search", json: ["query": "sleep"], token: key).status == 403)
        let list = try await server.request(.GET, "/api/v1/auth/api-keys", token: creator)
        let keys = try #require(list.json["api_keys"] as? [[String: Any]])
        #expect(keys.count == 1 && keys[0]["key"] == nil && keys[0]["last_used_at"] is String)
        #expect(keys[0]["scopes"] as? [String] == ["search", "chat"] && keys[0]["expires_at"] is NSNull && keys[0]["allowed_origins"] is NSNull)
        let id = try #require(created.json["id"] as? String)
        #expect(try await server.request(.DELETE, "/api/v1/auth/api-keys/\(id)", token: try await server.token("creator@other.test")).status == 404)
        #expect(try await server.request(.DELETE, "/api/v1/auth/api-keys/\(id)", token: creator).status == 204)
        #expect(try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "sleep"], token: key).status == 401)
    }

    @Test func apiKeysHaveOnlyTheirScopesOriginsAndLifetime() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let creator = try await server.token("creator@demo.test")
        func key(_ body: [String: Any]) async throws -> String {
            let created = try await server.request(.POST, "/api/v1/auth/api-keys", json: body, token: creator)
            guard created.status == 201, let key = created.json["key"] as? String else { throw ServerHarness.HarnessError.unexpected("\(created.status) \(created.text)") }
            return key
        }
        let search = try await key(["name": "search", "scopes": ["search"]])
        #expect(try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "sleep"], token: search).status == 200)
        for (method, path, body) in [(HTTPMethod.POST, "/api/v1/creators/demo/conversations", [:] as [String: Any]?), (.GET, "/api/v1/conversations", nil),
                                     (.GET, "/api/v1/auth/api-keys", nil), (.POST, "/api/v1/auth/api-keys", ["name": "more", "scopes": ["manage"]]),
                                     (.GET, "/api/v1/me/export", nil), (.DELETE, "/api/v1/me", ["password": ServerHarness.password]),
                                     (.POST, "/api/v1/auth/logout", nil)] {
            let reply = try await server.request(method, path, json: body, token: search)
            #expect(reply.status == 403, "\(method) \(path) with a search key: \(reply.status)")
        }
        let manage = try await key(["name": "manage", "scopes": ["manage"]])
        #expect(try await server.request(.GET, "/api/v1/auth/api-keys", token: manage).status == 200)
        #expect(try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "sleep"], token: manage).status == 403)

        let widget = try await key(["name": "widget", "scopes": ["chat"], "allowed_origins": ["https://Coach.example"], "expires_in_days": 30])
        let fromSite = try await server.request(.GET, "/api/v1/conversations", token: widget, headers: [("Origin", "https://coach.example")])
        #expect(fromSite.status == 200)
        let fromElsewhere = try await server.request(.GET, "/api/v1/conversations", token: widget, headers: [("Origin", "https://evil.example")])
        #expect(fromElsewhere.status == 403 && (fromElsewhere.json["detail"] as? String)?.contains("origin") == true)

        // An expired key is refused, saying so.
        let secret = TokenService.opaqueToken(prefix: "crk_")
        let state = try await server.openState()
        let owner = try #require(try await state.user(email: "creator@demo.test"))
        _ = try await state.createAPIKey(userID: owner.id, name: "old", keyHash: secret.hash, scopes: [.search], expiresAt: Date().addingTimeInterval(-1))
        try await state.close()
        let expired = try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "sleep"], token: secret.token)
        #expect(expired.status == 401 && expired.json["detail"] as? String == "API key has expired")

        for (body, field) in [(["name": "x"] as [String: Any], "scopes"), (["name": "x", "scopes": [] as [String]], "scopes"), (["name": "x", "scopes": ["root"]], "scopes"),
                              (["name": "x", "scopes": ["chat"], "allowed_origins": ["https://coach.example/page"]], "allowed_origins"),
                              (["name": "x", "scopes": ["chat"], "expires_in_days": 0], "expires_in_days")] {
            let reply = try await server.request(.POST, "/api/v1/auth/api-keys", json: body, token: creator)
            #expect(reply.status == 422 && (reply.json["detail"] as? String)?.hasPrefix(field) == true, "\(body): \(reply.status) \(reply.text)")
        }
    }

    @Test func deletingTheAccountNeedsItsPassword() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        #expect(try await server.request(.DELETE, "/api/v1/me", token: token).status == 400)
        #expect(try await server.request(.DELETE, "/api/v1/me", json: ["password": "Wrong-password-1"], token: token).status == 401)
        #expect(try await server.request(.GET, "/api/v1/auth/me", token: token).status == 200)
        #expect(try await server.request(.DELETE, "/api/v1/me", json: ["password": ServerHarness.password], token: token).status == 204)
        #expect(try await server.request(.GET, "/api/v1/auth/me", token: token).status == 401)
    }

    @Test func registrationFollowsEachCreatorsPolicy() async throws {
        let pipelines = TemporaryDirectory.make("pipelines")
        defer { try? FileManager.default.removeItem(at: pipelines) }
        try "creator: demo\nsources:\n  paths: [x]\nregistration: invite\n".write(to: pipelines.appendingPathComponent("demo.yml"), atomically: true, encoding: .utf8)
        try "creator: other\nsources:\n  paths: [x]\nregistration: closed\n".write(to: pipelines.appendingPathComponent("other.yml"), atomically: true, encoding: .utf8)
        let server = try await ServerHarness.start { $0.pipelinesDirectory = pipelines; $0.registration = .open }
        defer { Task { await server.stop() } }
        func register(_ email: String, creator: String, invite: String? = nil) async throws -> ServerHarness.Reply {
            var body: [String: Any] = ["email": email, "password": "Another-pass-99", "creator": creator]
            if let invite { body["invite"] = invite }
            return try await server.request(.POST, "/api/v1/auth/register", json: body)
        }
        // Closed and unknown creators answer alike.
        let closed = try await register("a@other.test", creator: "other")
        let unknown = try await register("a@other.test", creator: "nosuch")
        #expect(closed.status == 404 && unknown.status == 404)
        #expect((closed.json["detail"] as? String)?.replacingOccurrences(of: "other", with: "X") == (unknown.json["detail"] as? String)?.replacingOccurrences(of: "nosuch", with: "X"))
        // Invite-only: no code, a wrong code, then a code that is spent after one use.
        #expect(try await register("a@demo.test", creator: "demo").status == 422)
        #expect(try await register("a@demo.test", creator: "demo", invite: "cri_nonsense").status == 422)
        let creator = try await server.token("creator@demo.test")
        let made = try await server.request(.POST, "/api/v1/creators/demo/invites", json: ["max_uses": 1, "expires_in_days": 7], token: creator)
        #expect(made.status == 201)
        let code = try #require(made.json["code"] as? String)
        #expect(try await server.request(.POST, "/api/v1/creators/other/invites", json: [:] as [String: Int], token: creator).status == 403)
        #expect(try await server.request(.POST, "/api/v1/creators/demo/invites", json: [:] as [String: Int], token: try await server.token("member@demo.test")).status == 403)
        #expect(try await register("a@demo.test", creator: "demo", invite: code).status == 202)
        _ = try await server.login("a@demo.test", password: "Another-pass-99")
        #expect(try await register("b@demo.test", creator: "demo", invite: code).status == 422)
        // Revoked codes are refused too; listings never show codes.
        let second = try await server.request(.POST, "/api/v1/creators/demo/invites", json: ["max_uses": 5], token: creator)
        let id = try #require(second.json["id"] as? String)
        #expect(try await server.request(.DELETE, "/api/v1/creators/demo/invites/\(id)", token: creator).status == 204)
        #expect(try await register("c@demo.test", creator: "demo", invite: second.json["code"] as? String).status == 422)
        let list = try await server.request(.GET, "/api/v1/creators/demo/invites", token: creator)
        let invites = try #require(list.json["invites"] as? [[String: Any]])
        #expect(invites.count == 2 && invites.allSatisfy { $0["code"] == nil })

        // Pipeline files are re-read when they change: the closed creator opens.
        try "creator: other\nsources:\n  paths: [x]\nregistration: open\n".write(to: pipelines.appendingPathComponent("other.yml"), atomically: true, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(try await register("a@other.test", creator: "other").status == 202)
    }
}
