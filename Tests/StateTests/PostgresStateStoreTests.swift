import Foundation
import State
import TestSupport
import Testing

@Suite("PostgreSQL state store") struct PostgresStateStoreTests {
    /// A database with one member's conversation, message, session and key, and an invite.
    func populated() async throws -> (url: String, database: String, member: User) {
        let url = try await TestPostgres.shared.database()
        let state = try await StateStores.open(try DatabaseLocation(parsing: url))
        try await state.createUser(email: "c@x.test", passwordHash: "h", role: .creator, creator: "demo")
        let member = try await state.createUser(email: "m@x.test", passwordHash: "h", role: .member, creator: "demo")
        let conversation = try await state.createConversation(userID: member.id, creator: "demo", title: "mine")
        try await state.save(StoredMessage(conversationID: conversation.id, role: "user", content: "hi", complete: true), userID: member.id)
        _ = try await state.startSession(userID: member.id, refreshHash: "r", expiresAt: Date().addingTimeInterval(60))
        _ = try await state.createAPIKey(userID: member.id, name: "k", keyHash: "kh", scopes: [.chat])
        _ = try await state.createInvite(creator: "demo", codeHash: "ih", createdBy: member.id, expiresAt: Date().addingTimeInterval(60), maxUses: 1)
        try await state.close()
        let database = String(url.split(separator: "/").last?.split(separator: "?").first ?? "")
        return (url, database, member)
    }

    static let tenantTables = ["conversations", "messages", "session_families", "refresh_tokens", "api_keys", "invites"]

    func counts(_ sql: (String) -> String, database: String, role: String) async throws -> [String: Int] {
        let cluster = try await TestPostgres.shared.running()
        var counts: [String: Int] = [:]
        for table in Self.tenantTables {
            let output = try await TestPostgres.shared.psql(cluster, sql(table), database: database, role: role)
            counts[table] = Int(output.split(separator: "\n").last.map(String.init) ?? "")
        }
        return counts
    }

    @Test func aQueryWithoutTheSettingsSeesNoTenantRows() async throws {
        let (_, database, member) = try await populated()
        // The rows are there (the superuser is exempt from row-level security)…
        let all = try await counts({ "SELECT count(*) FROM \($0)" }, database: database, role: "postgres")
        #expect(all.values.allSatisfy { $0 == 1 }, "\(all)")
        // …and the server's role sees none of them without saying whom it acts for,
        let none = try await counts({ "SELECT count(*) FROM \($0)" }, database: database, role: "coachrag")
        #expect(none.values.allSatisfy { $0 == 0 }, "\(none)")
        // nor as another user or tenant,
        let other = try await counts({ "SELECT set_config('coachrag.user_id', 'someone-else', false), set_config('coachrag.tenant', 'other', false); SELECT count(*) FROM \($0)" },
                                     database: database, role: "coachrag")
        #expect(other.values.allSatisfy { $0 == 0 }, "\(other)")
        // while the member sees their own rows and the creator's tenant its invite.
        let own = try await counts({ "SELECT set_config('coachrag.user_id', '\(member.id)', false), set_config('coachrag.tenant', 'demo', false); SELECT count(*) FROM \($0)" },
                                   database: database, role: "coachrag")
        #expect(own.values.allSatisfy { $0 == 1 }, "\(own)")
        // Writing another user's rows is refused too.
        let cluster = try await TestPostgres.shared.running()
        await #expect(throws: (any Error).self) {
            try await TestPostgres.shared.psql(cluster, """
                SELECT set_config('coachrag.user_id', 'someone-else', false);
                INSERT INTO conversations (id, user_id, creator, created_at, updated_at) VALUES ('x', '\(member.id)', 'demo', now(), now())
                """, database: database, role: "coachrag")
        }
    }

    @Test func theAuthenticationScopeReadsKeysAndTokensButNoConversations() async throws {
        let (_, database, _) = try await populated()
        let seen = try await counts({ "SELECT set_config('coachrag.scope', 'authentication', false); SELECT count(*) FROM \($0)" }, database: database, role: "coachrag")
        #expect(seen == ["conversations": 0, "messages": 0, "invites": 0, "session_families": 1, "refresh_tokens": 1, "api_keys": 1])
    }

    @Test func statusReportsMigrationsAndRowLevelSecurity() async throws {
        let (url, database, _) = try await populated()
        let state = try await StateStores.open(try DatabaseLocation(parsing: url), migrate: false)
        let status = try await state.schemaStatus()
        #expect(status.pending.isEmpty && status.applied == status.known && !status.known.isEmpty)
        #expect(status.rowLevelSecurity == "enforced")
        #expect(!status.database.contains("coachrag:coachrag"))  // no password
        try await state.close()
        let cluster = try await TestPostgres.shared.running()
        let superuser = try await StateStores.open(try DatabaseLocation(parsing: cluster.superuserURL(database)), migrate: false)
        #expect(try await superuser.schemaStatus().rowLevelSecurity == "bypassed: role postgres is a superuser")
        try await superuser.close()
    }

    @Test func aDatabaseFromANewerBinaryIsRefused() async throws {
        let (url, database, _) = try await populated()
        let cluster = try await TestPostgres.shared.running()
        try await TestPostgres.shared.psql(cluster, "INSERT INTO schema_migrations (version, name) VALUES (999, 'future')", database: database)
        await #expect(throws: StateError.self) { _ = try await StateStores.open(try DatabaseLocation(parsing: url)) }
        do {
            _ = try await StateStores.open(try DatabaseLocation(parsing: url))
        } catch {
            #expect("\(error)".contains("schema version 999"), "\(error)")
        }
    }

    @Test func anUnreachableServerIsAOneLineError() async throws {
        let location = try DatabaseLocation(parsing: "postgres://coachrag:secret@127.0.0.1:1/nothing?sslmode=disable")
        do {
            var options = PostgresStateStore.Options()
            options.connectTimeout = .seconds(1)
            _ = try await StateStores.open(location, postgres: options)
            Issue.record("opened a database on port 1")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix("state database postgresql://coachrag@127.0.0.1:1/nothing:"), "\(text)")
            #expect(!text.contains("secret") && !text.contains("\n"))
        }
    }
}

@Suite("Database URLs") struct DatabaseLocationTests {
    @Test func parsesBothBackendsAndHidesThePassword() throws {
        #expect(try DatabaseLocation(parsing: "sqlite:state/x.sqlite") == .sqlite(path: "state/x.sqlite"))
        guard case .postgres(let p) = try DatabaseLocation(parsing: "postgresql://app:p%40ss@db.internal:6543/coach?sslmode=require") else {
            Issue.record("not postgres"); return
        }
        #expect(p.user == "app" && p.password == "p@ss" && p.host == "db.internal" && p.port == 6543 && p.database == "coach" && p.tls == .require)
        #expect(try DatabaseLocation(parsing: "postgresql://app:p%40ss@db.internal:6543/coach").description == "postgresql://app@db.internal:6543/coach")
        guard case .postgres(let socket) = try DatabaseLocation(parsing: "postgres://app@/coach?host=/run/postgresql") else { Issue.record("not postgres"); return }
        #expect(socket.socketDirectory == "/run/postgresql")
    }

    @Test(arguments: ["mysql://a@b/c", "postgres://b/c", "postgres://a@b/", "postgres://a@b/c?sslmode=sometimes", "postgres://a@b/c?pool=3", "sqlite:"])
    func refusesWhatCannotWork(_ url: String) {
        #expect(throws: StateError.self) { try DatabaseLocation(parsing: url) }
    }
}
