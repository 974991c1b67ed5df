import GRDB

/// The versioned migrations of the SQLite state database. Append new ones; never edit a shipped one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE creators (
                    id TEXT PRIMARY KEY NOT NULL,
                    created_at DATETIME NOT NULL
                );
                CREATE TABLE users (
                    id TEXT PRIMARY KEY NOT NULL,
                    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    password_hash TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('admin', 'creator', 'member')),
                    creator TEXT REFERENCES creators(id) ON DELETE CASCADE,
                    created_at DATETIME NOT NULL,
                    CHECK ((role = 'admin') = (creator IS NULL))
                );
                CREATE INDEX users_creator ON users(creator);
                CREATE TABLE session_families (
                    id TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    created_at DATETIME NOT NULL,
                    revoked_at DATETIME
                );
                CREATE INDEX session_families_user ON session_families(user_id);
                CREATE TABLE refresh_tokens (
                    token_hash TEXT PRIMARY KEY NOT NULL,
                    family_id TEXT NOT NULL REFERENCES session_families(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    expires_at DATETIME NOT NULL,
                    spent_at DATETIME
                );
                CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    key_hash TEXT NOT NULL UNIQUE,
                    created_at DATETIME NOT NULL,
                    last_used_at DATETIME
                );
                CREATE TABLE login_failures (
                    key TEXT PRIMARY KEY NOT NULL,
                    failures INTEGER NOT NULL,
                    window_start DATETIME NOT NULL,
                    locked_until DATETIME
                );
                CREATE TABLE conversations (
                    id TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    creator TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
                    title TEXT,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE INDEX conversations_user ON conversations(user_id, updated_at);
                CREATE TABLE messages (
                    id TEXT PRIMARY KEY NOT NULL,
                    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
                    content TEXT NOT NULL,
                    citations_json TEXT,
                    confidence REAL,
                    mode TEXT,
                    notice TEXT,
                    complete BOOLEAN NOT NULL,
                    usage_json TEXT,
                    timings_json TEXT,
                    created_at DATETIME NOT NULL
                );
                CREATE INDEX messages_conversation ON messages(conversation_id, created_at);
                """)
        }
        migrator.registerMigration("v2-retrieval-query") { db in
            // The query retrieval actually searched (the question, or context + question).
            try db.execute(sql: "ALTER TABLE messages ADD COLUMN retrieval_query TEXT")
        }
        migrator.registerMigration("v3-login-throttle") { db in
            // Keyed by normalised email (+ address), with an expiry so rows are purged.
            // Counts in flight are transient: dropping them on upgrade loses nothing.
            try db.execute(sql: """
                DROP TABLE login_failures;
                CREATE TABLE login_failures (
                    key TEXT PRIMARY KEY NOT NULL,
                    failures INTEGER NOT NULL,
                    window_start DATETIME NOT NULL,
                    locked_until DATETIME,
                    expires_at DATETIME NOT NULL
                );
                CREATE INDEX login_failures_expiry ON login_failures(expires_at);
                """)
        }
        migrator.registerMigration("v4-api-key-scopes") { db in
            // Keys made before scopes existed may search and chat, not manage: the safe side.
            try db.execute(sql: """
                ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT 'search,chat';
                ALTER TABLE api_keys ADD COLUMN expires_at DATETIME;
                ALTER TABLE api_keys ADD COLUMN allowed_origins TEXT;
                """)
        }
        migrator.registerMigration("v5-invites") { db in
            try db.execute(sql: """
                CREATE TABLE invites (
                    id TEXT PRIMARY KEY NOT NULL,
                    creator TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
                    code_hash TEXT NOT NULL UNIQUE,
                    created_by TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL,
                    max_uses INTEGER NOT NULL,
                    uses INTEGER NOT NULL,
                    revoked_at DATETIME
                );
                CREATE INDEX invites_creator ON invites(creator, expires_at);
                """)
        }
        return migrator
    }
}
