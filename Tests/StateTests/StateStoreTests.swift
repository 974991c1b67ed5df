import Foundation
import State
import TestSupport
import Testing

@Suite("State store") struct StateStoreTests {
    func store() throws -> (StateStore, URL) {
        let directory = TemporaryDirectory.make("state")
        return (try StateStore(directory: directory), directory)
    }

    @Test func usersFollowTheRoleRules() throws {
        let (state, directory) = try store()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: StateError.unknownCreator("demo")) { try state.createUser(email: "m@x.test", passwordHash: "h", role: .member, creator: "demo") }
        try state.createUser(email: "Coach@X.test ", passwordHash: "h", role: .creator, creator: "demo")
        #expect(try state.creatorExists("demo"))
        #expect(try state.user(email: "coach@x.test")?.role == .creator)
        #expect(throws: StateError.emailTaken("coach@x.test")) { try state.createUser(email: "COACH@x.test", passwordHash: "h", role: .member, creator: "demo") }
        #expect(throws: StateError.creatorNotAllowed) { try state.createUser(email: "a@x.test", passwordHash: "h", role: .admin, creator: "demo") }
        #expect(throws: StateError.creatorRequired(.member)) { try state.createUser(email: "m@x.test", passwordHash: "h", role: .member, creator: nil) }
        #expect(throws: StateError.invalidEmail("not-an-email")) { try state.createUser(email: "not-an-email", passwordHash: "h", role: .admin, creator: nil) }
    }

    @Test func refreshTokensRotateOnceAndReuseRevokesTheFamily() throws {
        let (state, directory) = try store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let user = try state.createUser(email: "a@x.test", passwordHash: "h", role: .admin, creator: nil)
        let family = try state.startSession(userID: user.id, refreshHash: "t1", expiresAt: Date().addingTimeInterval(60))
        #expect(try state.rotateRefreshToken(hash: "t1", nextHash: "t2", nextExpiresAt: Date().addingTimeInterval(60)) == .rotated(userID: user.id, familyID: family))
        #expect(try state.rotateRefreshToken(hash: "t1", nextHash: "t3", nextExpiresAt: Date().addingTimeInterval(60)) == .reused)
        #expect(try state.rotateRefreshToken(hash: "t2", nextHash: "t4", nextExpiresAt: Date().addingTimeInterval(60)) == .invalid)
        #expect(try state.sessionIsLive(familyID: family, userID: user.id) == false)
        #expect(try state.rotateRefreshToken(hash: "unknown", nextHash: "t5", nextExpiresAt: Date()) == .invalid)
        let expired = try state.startSession(userID: user.id, refreshHash: "old", expiresAt: Date().addingTimeInterval(-1))
        #expect(try state.rotateRefreshToken(hash: "old", nextHash: "t6", nextExpiresAt: Date()) == .invalid)
        #expect(try state.sessionIsLive(familyID: expired, userID: user.id))
    }

    @Test func failuresLockAfterTheLimitWithinTheWindow() throws {
        let (state, directory) = try store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let now = Date()
        for offset in 0..<2 { try state.recordLoginFailure(key: "k", limit: 3, window: 60, lockout: 120, now: now.addingTimeInterval(Double(offset))) }
        #expect(try state.lockoutRemaining(key: "k", now: now) == nil)
        try state.recordLoginFailure(key: "k", limit: 3, window: 60, lockout: 120, now: now.addingTimeInterval(2))
        #expect((119...120).contains(try state.lockoutRemaining(key: "k", now: now.addingTimeInterval(3)) ?? 0))
        #expect(try state.lockoutRemaining(key: "k", now: now.addingTimeInterval(200)) == nil)
        // Failures outside the window start a new count.
        try state.recordLoginFailure(key: "j", limit: 2, window: 10, lockout: 60, now: now)
        try state.recordLoginFailure(key: "j", limit: 2, window: 10, lockout: 60, now: now.addingTimeInterval(30))
        #expect(try state.lockoutRemaining(key: "j", now: now.addingTimeInterval(31)) == nil)
    }

    @Test func deletingAUserCascades() throws {
        let (state, directory) = try store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let creator = try state.createUser(email: "c@x.test", passwordHash: "h", role: .creator, creator: "demo")
        let member = try state.createUser(email: "m@x.test", passwordHash: "h", role: .member, creator: "demo")
        let conversation = try state.createConversation(userID: member.id, creator: "demo", title: nil)
        try state.save(StoredMessage(conversationID: conversation.id, role: "user", content: "hi", complete: true))
        _ = try state.startSession(userID: member.id, refreshHash: "r", expiresAt: Date().addingTimeInterval(60))
        _ = try state.createAPIKey(userID: creator.id, name: "k", keyHash: "kh")
        try state.deleteUser(id: member.id)
        #expect(try state.messages(conversationID: conversation.id).isEmpty)
        #expect(try state.conversation(id: conversation.id, userID: member.id) == nil)
        #expect(try state.sessions(userID: member.id).isEmpty)
        #expect(try state.userForAPIKey(hash: "kh")?.id == creator.id)
    }

    @Test func anExchangeStartsInOneTransactionWithTheCompleteHistory() throws {
        let (state, directory) = try store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let member = try state.createUser(email: "c@x.test", passwordHash: "h", role: .creator, creator: "demo")
        let conversation = try state.createConversation(userID: member.id, creator: "demo", title: nil)
        let first = try state.beginExchange(question: StoredMessage(conversationID: conversation.id, role: "user", content: "q1", complete: true),
                                            placeholder: StoredMessage(conversationID: conversation.id, role: "assistant", content: "", complete: false))
        #expect(first.isEmpty)
        let second = try state.beginExchange(question: StoredMessage(conversationID: conversation.id, role: "user", content: "q2", complete: true),
                                             placeholder: StoredMessage(conversationID: conversation.id, role: "assistant", content: "", complete: false))
        #expect(second.map(\.content) == ["q1"])  // the unfinished answer is not history
        #expect(try state.messages(conversationID: conversation.id).map(\.role) == ["user", "assistant", "user", "assistant"])
    }

    @Test func reopeningKeepsDataAndTheFileIsPrivate() throws {
        let (state, directory) = try store()
        defer { try? FileManager.default.removeItem(at: directory) }
        try state.createUser(email: "a@x.test", passwordHash: "h", role: .admin, creator: nil)
        try state.close()
        let again = try StateStore(directory: directory)
        #expect(try again.user(email: "a@x.test") != nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: again.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
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
