/// The versioned migrations of the PostgreSQL state database, applied in order at start, each
/// in its own transaction, under an advisory lock (replicas starting together apply each once).
/// Append new ones; never edit a shipped one.
///
/// Row-level security (forced, so it binds the tables' owner too) keeps tenants apart: every
/// transaction sets `coachrag.user_id`, `coachrag.tenant` and `coachrag.scope` for itself
/// (`PostgresStateStore.Acting`), and a row is visible only to
/// - conversations, and messages through their conversation: the user they belong to;
/// - API keys and sessions (families, refresh tokens): their user, and for reading only, the
///   `authentication` scope that finds a presented key or refresh token by its hash;
/// - invites: their creator's tenant.
/// A query without the settings sees none of those rows. Superusers and roles with
/// BYPASSRLS are exempt from all of it, so the server's role must be neither (`db status` says).
enum PostgresSchema {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "state", sql: """
            CREATE TABLE creators (
                id TEXT PRIMARY KEY,
                created_at TIMESTAMPTZ(3) NOT NULL
            );
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('admin', 'creator', 'member')),
                creator TEXT REFERENCES creators(id) ON DELETE CASCADE,
                created_at TIMESTAMPTZ(3) NOT NULL,
                CHECK ((role = 'admin') = (creator IS NULL))
            );
            CREATE INDEX users_creator ON users(creator);
            CREATE TABLE session_families (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at TIMESTAMPTZ(3) NOT NULL,
                revoked_at TIMESTAMPTZ(3)
            );
            CREATE INDEX session_families_user ON session_families(user_id);
            CREATE TABLE refresh_tokens (
                token_hash TEXT PRIMARY KEY,
                family_id TEXT NOT NULL REFERENCES session_families(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                expires_at TIMESTAMPTZ(3) NOT NULL,
                spent_at TIMESTAMPTZ(3)
            );
            CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                created_at TIMESTAMPTZ(3) NOT NULL,
                last_used_at TIMESTAMPTZ(3),
                scopes TEXT NOT NULL,
                expires_at TIMESTAMPTZ(3),
                allowed_origins TEXT
            );
            CREATE INDEX api_keys_user ON api_keys(user_id);
            CREATE TABLE login_failures (
                key TEXT PRIMARY KEY,
                failures INTEGER NOT NULL,
                window_start TIMESTAMPTZ(3) NOT NULL,
                locked_until TIMESTAMPTZ(3),
                expires_at TIMESTAMPTZ(3) NOT NULL
            );
            CREATE INDEX login_failures_expiry ON login_failures(expires_at);
            CREATE TABLE invites (
                id TEXT PRIMARY KEY,
                creator TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
                code_hash TEXT NOT NULL UNIQUE,
                created_by TEXT NOT NULL,
                created_at TIMESTAMPTZ(3) NOT NULL,
                expires_at TIMESTAMPTZ(3) NOT NULL,
                max_uses INTEGER NOT NULL,
                uses INTEGER NOT NULL,
                revoked_at TIMESTAMPTZ(3)
            );
            CREATE INDEX invites_creator ON invites(creator, expires_at);
            CREATE TABLE conversations (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                creator TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
                title TEXT,
                created_at TIMESTAMPTZ(3) NOT NULL,
                updated_at TIMESTAMPTZ(3) NOT NULL
            );
            CREATE INDEX conversations_user ON conversations(user_id, updated_at);
            CREATE TABLE messages (
                seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
                id TEXT PRIMARY KEY,
                conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
                content TEXT NOT NULL,
                citations_json TEXT,
                confidence DOUBLE PRECISION,
                mode TEXT,
                notice TEXT,
                complete BOOLEAN NOT NULL,
                usage_json TEXT,
                timings_json TEXT,
                retrieval_query TEXT,
                created_at TIMESTAMPTZ(3) NOT NULL
            );
            CREATE INDEX messages_conversation ON messages(conversation_id, seq);

            ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
            ALTER TABLE conversations FORCE ROW LEVEL SECURITY;
            CREATE POLICY owner ON conversations
                USING (user_id = current_setting('coachrag.user_id', true));
            ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
            ALTER TABLE messages FORCE ROW LEVEL SECURITY;
            CREATE POLICY owner ON messages
                USING (EXISTS (SELECT 1 FROM conversations c WHERE c.id = conversation_id));
            ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
            ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
            CREATE POLICY owner ON api_keys
                USING (user_id = current_setting('coachrag.user_id', true));
            CREATE POLICY authentication ON api_keys FOR SELECT
                USING (current_setting('coachrag.scope', true) = 'authentication');
            ALTER TABLE session_families ENABLE ROW LEVEL SECURITY;
            ALTER TABLE session_families FORCE ROW LEVEL SECURITY;
            CREATE POLICY owner ON session_families
                USING (user_id = current_setting('coachrag.user_id', true));
            CREATE POLICY authentication ON session_families FOR SELECT
                USING (current_setting('coachrag.scope', true) = 'authentication');
            ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
            ALTER TABLE refresh_tokens FORCE ROW LEVEL SECURITY;
            CREATE POLICY owner ON refresh_tokens
                USING (user_id = current_setting('coachrag.user_id', true));
            CREATE POLICY authentication ON refresh_tokens FOR SELECT
                USING (current_setting('coachrag.scope', true) = 'authentication');
            ALTER TABLE invites ENABLE ROW LEVEL SECURITY;
            ALTER TABLE invites FORCE ROW LEVEL SECURITY;
            CREATE POLICY tenant ON invites
                USING (creator = current_setting('coachrag.tenant', true));
            """),
    ]

    /// The newest version this binary knows.
    static var latest: Int { migrations.last?.version ?? 0 }
}
