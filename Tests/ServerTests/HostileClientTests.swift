import AsyncHTTPClient
import Foundation
import NIOCore
@testable import Server
import State
import Testing

/// Attacks an anonymous client can make, performed against a running server (or the part that
/// decides), each asserting the outcome.
@Suite("Hostile clients") struct HostileClientTests {
    /// Bytes of the state database (committed pages, checkpointed or not).
    func stateBytes(_ server: ServerHarness) async throws -> Int {
        let state = try await server.openState()
        let bytes = try await state.databaseBytes()
        try await state.close()
        return bytes
    }

    func randomLetters(_ count: Int) -> String {
        String((0..<count).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement() ?? "a" })
    }

    @Test func failedLoginsWithLongEmailsDoNotFillTheDisk() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        _ = try await server.login("member@demo.test")
        let before = try await stateBytes(server)
        var invalid: [Int] = [], wrong: [Int] = []
        // Half valid-length unknown addresses (each a fresh account: Argon2 runs), half overlong.
        try await withThrowingTaskGroup(of: (Bool, Int).self) { group in
            for index in 0..<500 {
                if index >= 2 { _ = try await group.next().map { $0.0 ? invalid.append($0.1) : wrong.append($0.1) } }
                let overlong = index % 2 == 1
                let email = overlong ? randomLetters(Int.random(in: 300...60_000)) + "@x.test" : randomLetters(Int.random(in: 200...240)) + "@x.test"
                group.addTask {
                    let reply = try await server.request(.POST, "/api/v1/auth/login", json: ["email": email, "password": "Wrong-password-1"])
                    return (overlong, reply.status)
                }
            }
            for try await (overlong, status) in group { if overlong { invalid.append(status) } else { wrong.append(status) } }
        }
        #expect(invalid.count == 250 && invalid.allSatisfy { $0 == 422 })
        #expect(wrong.count == 250 && wrong.allSatisfy { $0 == 401 })
        let grown = try await stateBytes(server) - before
        #expect(grown < 1 << 20, "the database grew \(grown) bytes")
    }

    @Test func spellingVariantsOfAnEmailShareOneLockout() async throws {
        let server = try await ServerHarness.start { $0.loginThrottle.limit = 3 }
        defer { Task { await server.stop() } }
        for variant in [" member@demo.test", "member@demo.test\t", "MEMBER@Demo.test "] {
            #expect(try await server.request(.POST, "/api/v1/auth/login", json: ["email": variant, "password": "Wrong-password-1"]).status == 401)
        }
        for variant in ["member@demo.test", "\nmember@demo.test"] {
            let locked = try await server.request(.POST, "/api/v1/auth/login", json: ["email": variant, "password": ServerHarness.password])
            #expect(locked.status == 429, "\(variant.debugDescription)")
        }
    }

    @Test func aParallelBurstOfGuessesGetsNoMoreThanTheLimit() async throws {
        let server = try await ServerHarness.start { $0.loginThrottle.limit = 5 }
        defer { Task { await server.stop() } }
        // A client of its own with a connection per guess, so all 100 reach the server at once.
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 100)))
        defer { _ = client.shutdown() }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<100 {
                group.addTask {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/auth/login")
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: #"{"email": "member@demo.test", "password": "Wrong-password-\#(index)"}"#))
                    let response = try await client.execute(request, timeout: .seconds(120))
                    _ = try await response.body.collect(upTo: 1 << 16)
                    return Int(response.status.code)
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 401 }.count <= 5)
        #expect(statuses.allSatisfy { [401, 429, 503].contains($0) })
        #expect(statuses.filter { $0 == 429 }.count >= 95 - statuses.filter { $0 == 503 }.count)
    }

    @Test func passwordHashingIsAdmittedUpToItsBound() async throws {
        let gate = AdmissionGate("password checks", running: 1, queueLength: 1)
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let holders = (0..<2).map { _ in
            Task {
                try await gate.run {
                    startedContinuation.yield()
                    for await _ in release { break }
                }
            }
        }
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next(); _ = await iterator.next()
        do {
            try await gate.run {}
            Issue.record("a third hash was admitted past a bound of two")
        } catch let error as APIError {
            #expect(error.status == .serviceUnavailable && error.retryAfter == 1)
        }
        releaseContinuation.yield(); releaseContinuation.yield()
        for holder in holders { try await holder.value }
        try await gate.run {}
    }

    @Test func theAuthRoutesHaveTheirOwnLowerRate() async throws {
        let server = try await ServerHarness.start { $0.authRateLimitPerSecond = 0.001; $0.authRateLimitBurst = 3 }
        defer { Task { await server.stop() } }
        var statuses: [Int] = []
        for _ in 0..<5 { statuses.append(try await server.request(.POST, "/api/v1/auth/login", json: ["email": "x@demo.test", "password": "Wrong-password-1"]).status) }
        #expect(statuses == [401, 401, 401, 429, 429])
        // Other routes are not limited by it.
        #expect(try await server.request(.GET, "/health/live").status == 200)
    }

    @Test func userContentIsBoundedAndListsArePaged() async throws {
        let server = try await ServerHarness.start { $0.contentLimits.conversationsPerUser = 3 }
        defer { Task { await server.stop() } }
        let token = try await server.token("member@demo.test")
        let long = try await server.request(.POST, "/api/v1/creators/demo/conversations", json: ["title": String(repeating: "t", count: 201)], token: token)
        #expect(long.status == 422 && (long.json["detail"] as? String)?.hasPrefix("title:") == true)
        var ids: [String] = []
        for index in 0..<3 {
            let created = try await server.request(.POST, "/api/v1/creators/demo/conversations", json: ["title": "c\(index)"], token: token)
            #expect(created.status == 201)
            ids.append(created.json["id"] as? String ?? "")
        }
        let over = try await server.request(.POST, "/api/v1/creators/demo/conversations", json: ["title": "one more"], token: token)
        #expect(over.status == 409 && (over.json["detail"] as? String)?.contains("at most 3 conversations per user") == true)

        let first = try await server.request(.GET, "/api/v1/conversations?limit=2", token: token)
        #expect((first.json["conversations"] as? [Any])?.count == 2)
        let cursor = try #require(first.json["next_cursor"] as? String)
        let second = try await server.request(.GET, "/api/v1/conversations?limit=2&cursor=\(cursor)", token: token)
        #expect((second.json["conversations"] as? [Any])?.count == 1)
        #expect(second.json["next_cursor"] is NSNull)
        let listed = ((first.json["conversations"] as? [[String: Any]] ?? []) + (second.json["conversations"] as? [[String: Any]] ?? [])).compactMap { $0["id"] as? String }
        #expect(Set(listed) == Set(ids))
        #expect(try await server.request(.GET, "/api/v1/conversations?limit=0", token: token).status == 422)
        #expect(try await server.request(.GET, "/api/v1/conversations?limit=201", token: token).status == 422)
        let bad = try await server.request(.GET, "/api/v1/conversations?cursor=garbage", token: token)
        #expect(bad.status == 422 && (bad.json["detail"] as? String)?.hasPrefix("cursor:") == true)
        let messages = try await server.request(.GET, "/api/v1/conversations/\(ids[0])/messages?limit=10", token: token)
        #expect(messages.status == 200 && (messages.json["messages"] as? [Any])?.isEmpty == true && messages.json["next_cursor"] is NSNull)
        // The export streams and is one JSON object with every conversation.
        let export = try await server.request(.GET, "/api/v1/me/export", token: token)
        #expect(export.status == 200 && (export.json["conversations"] as? [Any])?.count == 3)
    }

    @Test func oneTenantsQuestionsNeverWarmAnothersCache() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        func cacheHits() async throws -> String? {
            try await server.request(.GET, "/metrics").text.split(separator: "\n").first { $0.hasPrefix("coachrag_query_cache_hits_total ") }.map(String.init)
        }
        let demo = try await server.token("member@demo.test"), other = try await server.token("member@other.test")
        for token in [demo, demo] { _ = try await server.request(.POST, "/api/v1/creators/demo/search", json: ["query": "a question asked in demo"], token: token) }
        let afterDemo = try await cacheHits()
        #expect(afterDemo == "coachrag_query_cache_hits_total 1")
        // The same words in another tenant are embedded again, so no timing tells its members.
        _ = try await server.request(.POST, "/api/v1/creators/other/search", json: ["query": "a question asked in demo"], token: other)
        #expect(try await cacheHits() == afterDemo)
    }
}

/// The rate limiter forgets refilled clients and stays bounded.
@Suite struct RateLimiterTests {
    @Test func aHundredThousandAddressesStayBounded() {
        let limiter = RateLimiter(perSecond: 10, burst: 20, maxClients: 10_000)
        let start = ContinuousClock.now
        for index in 0..<100_000 {
            let client = "10.\(index >> 16).\((index >> 8) & 255).\(index & 255)"
            #expect(limiter.take(client: client, now: start + .milliseconds(index)) == nil)
        }
        #expect(limiter.clientCount <= 10_000)
        // A client that is limited is remembered through pruning: its bucket has not refilled.
        let noisy = RateLimiter(perSecond: 0.1, burst: 2, maxClients: 100)
        for _ in 0..<3 { _ = noisy.take(client: "bad", now: start) }
        for index in 0..<1_000 { _ = noisy.take(client: "c\(index)", now: start + .milliseconds(index)) }
        #expect(noisy.take(client: "bad", now: start + .milliseconds(1_000)) != nil)
        // Refilled buckets are dropped first.
        #expect(noisy.clientCount <= 100)
    }

    @Test func ipv6ClientsAreKeyedByTheirSlash64() throws {
        let first = try SocketAddress(ipAddress: "2001:db8:1:2:aaaa::1", port: 1)
        let second = try SocketAddress(ipAddress: "2001:db8:1:2:ffff:1:2:3", port: 2)
        let other = try SocketAddress(ipAddress: "2001:db8:1:3::1", port: 1)
        #expect(AppContext.clientKey(first) == AppContext.clientKey(second))
        #expect(AppContext.clientKey(first) != AppContext.clientKey(other))
        #expect(AppContext.clientKey(try SocketAddress(ipAddress: "::ffff:192.0.2.7", port: 1)) == "192.0.2.7")
        #expect(AppContext.clientKey(try SocketAddress(ipAddress: "192.0.2.7", port: 1)) == "192.0.2.7")
    }
}
