import Foundation
import Testing

/// Two servers over one database (PostgreSQL in the PostgreSQL pass of `make test`, one SQLite
/// file otherwise) and one signing key: what replicas behind a load balancer must agree on.
@Suite("Replicas sharing one state store") struct ReplicaTests {
    /// The access-token cache's lifetime (`SessionCache`, 2 s), and a little more.
    static let tokenCache: Duration = .milliseconds(2_300)

    @Test func sessionsMoveBetweenReplicasAndEndOnBoth() async throws {
        let a = try await ServerHarness.start()
        let b = try await ServerHarness.replica(of: a)
        defer { Task { await b.stop(keepFiles: true); await a.stop() } }
        // Logged in on one, refreshed on the other, and back.
        let tokens = try await a.login("member@demo.test")
        #expect(try await b.request(.GET, "/api/v1/auth/me", token: tokens.access).status == 200)
        let refreshed = try await b.request(.POST, "/api/v1/auth/refresh", json: ["refresh_token": tokens.refresh])
        #expect(refreshed.status == 200)
        let next = try #require(refreshed.json["refresh_token"] as? String)
        // The spent token replayed on the first replica is reuse: the whole family ends, everywhere.
        #expect(try await a.request(.POST, "/api/v1/auth/refresh", json: ["refresh_token": tokens.refresh]).status == 401)
        #expect(try await b.request(.POST, "/api/v1/auth/refresh", json: ["refresh_token": next]).status == 401)
        // Another replica may trust an access token it verified for the token cache's 2 s.
        try await Task.sleep(for: Self.tokenCache)
        #expect(try await b.request(.GET, "/api/v1/auth/me", token: tokens.access).status == 401)

        // Logout on one: the other refuses the access token at once (sessions are checked per request).
        let second = try await b.login("member@demo.test")
        #expect(try await a.request(.GET, "/api/v1/auth/me", token: second.access).status == 200)
        #expect(try await b.request(.POST, "/api/v1/auth/logout", token: second.access).status == 204)
        try await Task.sleep(for: Self.tokenCache)
        #expect(try await a.request(.GET, "/api/v1/auth/me", token: second.access).status == 401)

        // Account deletion on one: the other refuses its tokens and its login.
        let third = try await a.login("member@other.test")
        #expect(try await b.request(.GET, "/api/v1/auth/me", token: third.access).status == 200)
        #expect(try await a.request(.DELETE, "/api/v1/me", json: ["password": ServerHarness.password], token: third.access).status == 204)
        try await Task.sleep(for: Self.tokenCache)
        #expect(try await b.request(.GET, "/api/v1/auth/me", token: third.access).status == 401)
        #expect(try await b.request(.POST, "/api/v1/auth/login", json: ["email": "member@other.test", "password": ServerHarness.password]).status == 401)
    }

    @Test func lockoutsAndInvitesAreShared() async throws {
        let a = try await ServerHarness.start { $0.loginThrottle.limit = 3 }
        let b = try await ServerHarness.replica(of: a)
        defer { Task { await b.stop(keepFiles: true); await a.stop() } }
        // Guesses spread over both replicas count together.
        for (index, server) in [a, b, a].enumerated() {
            let wrong = try await server.request(.POST, "/api/v1/auth/login", json: ["email": "member@demo.test", "password": "Wrong-password-\(index)"])
            #expect(wrong.status == 401)
        }
        let locked = try await b.request(.POST, "/api/v1/auth/login", json: ["email": "member@demo.test", "password": ServerHarness.password])
        #expect(locked.status == 429)

        // An invite made on one is redeemed on the other, and spent for both.
        let creator = try await a.token("creator@demo.test")
        let made = try await a.request(.POST, "/api/v1/creators/demo/invites", json: ["max_uses": 1, "expires_in_days": 7], token: creator)
        let code = try #require(made.json["code"] as? String)
        let body = { (email: String) -> [String: Any] in ["email": email, "password": "Another-pass-99", "creator": "demo", "invite": code] }
        #expect(try await b.request(.POST, "/api/v1/auth/register", json: body("new@demo.test")).status == 202)
        #expect(try await a.request(.POST, "/api/v1/auth/register", json: body("late@demo.test")).status == 422)
        _ = try await a.login("new@demo.test", password: "Another-pass-99")
    }
}
