import Foundation
import GRDB
import State
import TestSupport
import Testing

@Suite("State store") struct StateStoreTests {
    @Test(arguments: StateBackend.allCases) func usersFollowTheRoleRules(_ backend: StateBackend) async throws {
        try await backend.withStore { state throws in
            await #expect(throws: StateError.unknownCreator("demo")) { try await state.createUser(email: "m@x.test", passwordHash: "h", role: .member, creator: "demo") }
            try await state.createUser(email: "Coach@X.test ", passwordHash: "h", role: .creator, creator: "demo")
            #expect(try await state.creatorExists("demo"))
            #expect(try await state.user(email: "coach@x.test")?.role == .creator)
            await #expect(throws: StateError.emailTaken("coach@x.test")) { try await state.createUser(email: "COACH@x.test", passwordHash: "h", role: .member, creator: "demo") }
            await #expect(throws: StateError.creatorNotAllowed) { try await state.createUser(email: "a@x.test", passwordHash: "h", role: .admin, creator: "demo") }
            await #expect(throws: StateError.creatorRequired(.member)) { try await state.createUser(email: "m@x.test", passwordHash: "h", role: .member, creator: nil) }
            await #expect(throws: StateError.invalidEmail("not-an-email")) { try await state.createUser(email: "not-an-email", passwordHash: "h", role: .admin, creator: nil) }
        }
    }

    @Test(arguments: StateBackend.allCases) func refreshTokensRotateOnceAndReuseRevokesTheFamily(_ backend: StateBackend) async throws {
        try await backend.withStore { state throws in
            let user = try await state.createUser(email: "a@x.test", passwordHash: "h", role: .admin, creator: nil)
            let family = try await state.startSession(userID: user.id, refreshHash: "t1", expiresAt: Date().addingTimeInterval(60))
            #expect(try await state.rotateRefreshToken(hash: "t1", nextHash: "t2", nextExpiresAt: Date().addingTimeInterval(60)) == .rotated(userID: user.id, familyID: family))
            #expect(try await state.rotateRefreshToken(hash: "t1", nextHash: "t3", nextExpiresAt: Date().addingTimeInterval(60)) == .reused)
            #expect(try await state.rotateRefreshToken(hash: "t2", nextHash: "t4", nextExpiresAt: Date().addingTimeInterval(60)) == .invalid)
            #expect(try await state.sessionIsLive(familyID: family, userID: user.id) == false)
            #expect(try await state.rotateRefreshToken(hash: "unknown", nextHash: "t5", nextExpiresAt: Date()) == .invalid)
            let expired = try await state.startSession(userID: user.id, refreshHash: "old", expiresAt: Date().addingTimeInterval(-1))
            #expect(try await state.rotateRefreshToken(hash: "old", nextHash: "t6", nextExpiresAt: Date()) == .invalid)
            #expect(try await state.sessionIsLive(familyID: expired, userID: user.id))
        }
    }

    @Test(arguments: StateBackend.allCases) func attemptsAreCountedBeforeTheCheckAndLockAfterTheLimit(_ backend: StateBackend) async throws {
        try await backend.withStore { state throws in
            let now = Date()
            let throttle = LoginThrottle(limit: 3, window: 60, lockout: 120, accountLimit: 100)
            for offset in 0..<3 {
                #expect(try await state.admitLoginAttempt(email: "a@x.test", client: "1.2.3.4", throttle: throttle, now: now.addingTimeInterval(Double(offset))) == .allowed)
            }
            guard case .refused(let wait) = try await state.admitLoginAttempt(email: "a@x.test", client: "1.2.3.4", throttle: throttle, now: now.addingTimeInterval(3)) else {
                Issue.record("the 4th attempt was admitted"); return
            }
            #expect((118...120).contains(wait))
            // Another address is its own count; the lockout ends.
            #expect(try await state.admitLoginAttempt(email: "a@x.test", client: "5.6.7.8", throttle: throttle, now: now.addingTimeInterval(3)) == .allowed)
            #expect(try await state.admitLoginAttempt(email: "a@x.test", client: "1.2.3.4", throttle: throttle, now: now.addingTimeInterval(200)) == .allowed)
            // A success clears the count.
            try await state.loginSucceeded(email: "b@x.test", client: "1.2.3.4")
            for _ in 0..<2 { _ = try await state.admitLoginAttempt(email: "b@x.test", client: "1.2.3.4", throttle: throttle, now: now) }
            try await state.loginSucceeded(email: "b@x.test", client: "1.2.3.4")
            for _ in 0..<3 { #expect(try await state.admitLoginAttempt(email: "b@x.test", client: "1.2.3.4", throttle: throttle, now: now) == .allowed) }
        }
    }

    @Test(arguments: StateBackend.allCases) func anAccountBacksOffWhateverTheAddress(_ backend: StateBackend) async throws {
        try await backend.withStore { state throws in
            let now = Date()
            let throttle = LoginThrottle(limit: 3, window: 600, lockout: 600, accountLimit: 4, maxBackoff: 60)
            for client in 0..<4 { #expect(try await state.admitLoginAttempt(email: "a@x.test", client: "10.0.0.\(client)", throttle: throttle, now: now) == .allowed) }
            // The 4th failure across addresses starts the backoff (1 s, then 2 s, 4 s… ≤ 60 s).
            #expect(try await state.admitLoginAttempt(email: "a@x.test", client: "10.0.0.9", throttle: throttle, now: now) == .refused(retryAfter: 1))
            #expect(try await state.admitLoginAttempt(email: "a@x.test", client: "10.0.0.9", throttle: throttle, now: now.addingTimeInterval(1.5)) == .allowed)
            #expect(try await state.admitLoginAttempt(email: "a@x.test", client: "10.0.0.8", throttle: throttle, now: now.addingTimeInterval(2)) == .refused(retryAfter: 2))
            // Other accounts are untouched.
            #expect(try await state.admitLoginAttempt(email: "b@x.test", client: "10.0.0.9", throttle: throttle, now: now) == .allowed)
        }
    }

    @Test(arguments: StateBackend.allCases) func expiredAttemptRowsArePurged(_ backend: StateBackend) async throws {
        try await backend.withStore { state throws in
            let now = Date()
            let throttle = LoginThrottle(limit: 3, window: 60, lockout: 60, accountLimit: 10)
            for index in 0..<50 { _ = try await state.admitLoginAttempt(email: "u\(index)@x.test", client: "1.1.1.1", throttle: throttle, now: now) }
            #expect(try await state.loginFailureRows() == 100)
            _ = try await state.admitLoginAttempt(email: "late@x.test", client: "1.1.1.1", throttle: throttle, now: now.addingTimeInterval(61))
            #expect(try await state.loginFailureRows() == 2)
        }
    }

    @Test(arguments: StateBackend.allCases) func deletingAUserCascades(_ backend: StateBackend) async throws {
        try await backend.withStore { state throws in
            let creator = try await state.createUser(email: "c@x.test", passwordHash: "h", role: .creator, creator: "demo")
            let member = try await state.createUser(email: "m@x.test", passwordHash: "h", role: .member, creator: "demo")
            let conversation = try await state.createConversation(userID: member.id, creator: "demo", title: nil)
            try await state.save(StoredMessage(conversationID: conversation.id, role: "user", content: "hi", complete: true), userID: member.id)
            _ = try await state.startSession(userID: member.id, refreshHash: "r", expiresAt: Date().addingTimeInterval(60))
            _ = try await state.createAPIKey(userID: creator.id, name: "k", keyHash: "kh", scopes: [.search])
            try await state.deleteUser(id: member.id)
            #expect(try await state.messages(conversationID: conversation.id, userID: member.id).isEmpty)
            #expect(try await state.conversation(id: conversation.id, userID: member.id) == nil)
            #expect(try await state.sessions(userID: member.id).isEmpty)
            #expect(try await state.apiKey(hash: "kh")?.user.id == creator.id)
        }
    }

    @Test(arguments: StateBackend.allCases) func anExchangeStartsInOneTransactionWithTheCompleteHistory(_ backend: StateBackend) async throws {
        try await backend.withStore { state throws in
            let member = try await state.createUser(email: "c@x.test", passwordHash: "h", role: .creator, creator: "demo")
            let conversation = try await state.createConversation(userID: member.id, creator: "demo", title: nil)
            let first = try await state.beginExchange(question: StoredMessage(conversationID: conversation.id, role: "user", content: "q1", complete: true),
                                                placeholder: StoredMessage(conversationID: conversation.id, role: "assistant", content: "", complete: false), userID: member.id)
            #expect(first.isEmpty)
            let second = try await state.beginExchange(question: StoredMessage(conversationID: conversation.id, role: "user", content: "q2", complete: true),
                                                 placeholder: StoredMessage(conversationID: conversation.id, role: "assistant", content: "", complete: false), userID: member.id)
            #expect(second.map(\.content) == ["q1"])  // the unfinished answer is not history
            // Another user cannot add to it, read it or overwrite its messages.
            let other = try await state.createUser(email: "o@x.test", passwordHash: "h", role: .member, creator: "demo")
            await #expect(throws: StateError.unknownConversation(conversation.id)) {
                try await state.beginExchange(question: StoredMessage(conversationID: conversation.id, role: "user", content: "x", complete: true),
                                              placeholder: StoredMessage(conversationID: conversation.id, role: "assistant", content: "", complete: false), userID: other.id)
            }
            await #expect(throws: StateError.unknownConversation(conversation.id)) {
                try await state.save(StoredMessage(conversationID: conversation.id, role: "user", content: "x", complete: true), userID: other.id)
            }
            #expect(try await state.messages(conversationID: conversation.id, userID: other.id).isEmpty)
            #expect(try await state.messages(conversationID: conversation.id, userID: member.id).map(\.role) == ["user", "assistant", "user", "assistant"])
        }
    }

    @Test func aSQLiteDatabaseFromANewerBinaryIsRefused() async throws {
        let directory = TemporaryDirectory.make("state")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await SQLiteStateStore(directory: directory).close()
        let file = directory.appendingPathComponent(SQLiteStateStore.fileName).path
        let queue = try DatabaseQueue(path: file)
        try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        try queue.close()
        #expect(throws: StateError.unknownSchemaVersion("sqlite:\(file)", "v99-future", "v5-invites")) { try SQLiteStateStore(directory: directory) }
    }

    @Test func reopeningKeepsDataAndTheFileIsPrivate() async throws {
        let directory = TemporaryDirectory.make("state")
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = try SQLiteStateStore(directory: directory)
        try await state.createUser(email: "a@x.test", passwordHash: "h", role: .admin, creator: nil)
        try await state.close()
        let again = try SQLiteStateStore(directory: directory)
        #expect(try await again.user(email: "a@x.test") != nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: again.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
    @Test(arguments: StateBackend.allCases) func listsArePagedWithOpaqueCursorsAndUsersAreBounded(_ backend: StateBackend) async throws {
        try await backend.withStore { state throws in
            _ = try await state.createUser(email: "c@x.test", passwordHash: "h", role: .creator, creator: "demo")
            let member = try await state.createUser(email: "m@x.test", passwordHash: "h", role: .member, creator: "demo")
            var limits = ContentLimits()
            limits.conversationsPerUser = 7
            limits.messagesPerConversation = 6
            for index in 0..<7 { _ = try await state.createConversation(userID: member.id, creator: "demo", title: "t\(index)", limits: limits) }
            await #expect(throws: StateError.limitReached("conversations per user", 7)) {
                try await state.createConversation(userID: member.id, creator: "demo", title: nil, limits: limits)
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await state.conversations(userID: member.id, limit: 3, cursor: cursor)
                #expect(page.items.count <= 3)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 7 && Set(seen).count == 7)
            await #expect(throws: StateError.invalidCursor) { try await state.conversations(userID: member.id, limit: 3, cursor: "not a cursor!") }

            let conversation = try #require(try await state.conversations(userID: member.id, limit: 1).items.first)
            for index in 0..<3 {
                _ = try await state.beginExchange(question: StoredMessage(conversationID: conversation.id, role: "user", content: "q\(index)", complete: true),
                                            placeholder: StoredMessage(conversationID: conversation.id, role: "assistant", content: "a", complete: true), userID: member.id, limits: limits)
            }
            await #expect(throws: StateError.limitReached("messages per conversation", 6)) {
                try await state.beginExchange(question: StoredMessage(conversationID: conversation.id, role: "user", content: "q", complete: true),
                                        placeholder: StoredMessage(conversationID: conversation.id, role: "assistant", content: "a", complete: true), userID: member.id, limits: limits)
            }
            let first = try await state.messages(conversationID: conversation.id, userID: member.id, limit: 4, cursor: nil)
            let rest = try await state.messages(conversationID: conversation.id, userID: member.id, limit: 4, cursor: first.nextCursor)
            #expect((first.items + rest.items).map(\.content) == ["q0", "a", "q1", "a", "q2", "a"])
            #expect(rest.nextCursor == nil)
        }
    }
}

@Suite("Passwords") struct PasswordTests {
    @Test func argon2idRoundTripAtOWASPParameters() throws {
        let hasher = PasswordHasher()
        let hash = try hasher.hash("Correct-horse-77")
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(hasher.verify("Correct-horse-77", against: hash))
        #expect(!hasher.verify("Correct-horse-78", against: hash))
        #expect(!hasher.verify("Correct-horse-77", against: "not a hash"))
        #expect(try hasher.hash("Correct-horse-77") != hash)  // salted
    }

    @Test func strengthRule() {
        #expect(PasswordPolicy.problem(with: "short", email: "a@x.test") != nil)
        #expect(PasswordPolicy.problem(with: "aaaaabbbbbbb", email: "a@x.test") != nil)
        #expect(PasswordPolicy.problem(with: "Password123", email: "a@x.test") != nil)
        #expect(PasswordPolicy.problem(with: "my-name-is-jonas-42", email: "jonas@x.test") != nil)
        #expect(PasswordPolicy.problem(with: "Correct-horse-77", email: "jonas@x.test") == nil)
    }

}
