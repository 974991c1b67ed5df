public import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func admitLoginAttempt(email: String, client: String, throttle: LoginThrottle, now: Date) async throws -> LoginAdmission {
        let addressKey = LoginThrottle.addressKey(email: email, client: client), accountKey = LoginThrottle.accountKey(email: email)
        return try await transaction(.system) { connection in
            try await connection.query("DELETE FROM login_failures WHERE expires_at < \(now)", logger: logger)
            // Attempts on one account, from any replica, are decided one after another.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(accountKey))::BIGINT)", logger: logger)
            let rows = try await all(connection.query("""
                SELECT key, failures, window_start, locked_until, expires_at FROM login_failures WHERE key IN (\(accountKey), \(addressKey))
                """, logger: logger)) {
                LoginFailureRow(key: try $0["key"].decode(String.self), failures: try $0["failures"].decode(Int.self),
                                windowStart: try $0["window_start"].decode(Date.self), lockedUntil: try $0["locked_until"].decode(Date?.self),
                                expiresAt: try $0["expires_at"].decode(Date.self))
            }
            let (admission, updates) = throttle.decide(address: rows.first { $0.key == addressKey }, account: rows.first { $0.key == accountKey },
                                                       addressKey: addressKey, accountKey: accountKey, now: now)
            for row in updates {
                try await connection.query("""
                    INSERT INTO login_failures (key, failures, window_start, locked_until, expires_at)
                    VALUES (\(row.key), \(row.failures), \(row.windowStart), \(row.lockedUntil), \(row.expiresAt))
                    ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
                        locked_until = excluded.locked_until, expires_at = excluded.expires_at
                    """, logger: logger)
            }
            return admission
        }
    }

    public func loginSucceeded(email: String, client: String) async throws {
        try await transaction(.system) { connection in
            _ = try await connection.query("""
                DELETE FROM login_failures WHERE key IN (\(LoginThrottle.addressKey(email: email, client: client)), \(LoginThrottle.accountKey(email: email)))
                """, logger: logger).collect()
        }
    }

    public func loginFailureRows() async throws -> Int {
        try await transaction(.system) { connection in
            try await one(connection.query("SELECT COUNT(*)::BIGINT FROM login_failures", logger: logger), Int.self) ?? 0
        }
    }
}
