public import Foundation
import GRDB

extension SQLiteStateStore {
    public func admitLoginAttempt(email: String, client: String, throttle: LoginThrottle, now: Date) async throws -> LoginAdmission {
        let addressKey = LoginThrottle.addressKey(email: email, client: client), accountKey = LoginThrottle.accountKey(email: email)
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM login_failures WHERE expires_at < ?", arguments: [now])
            func row(_ key: String) throws -> LoginFailureRow? {
                try Row.fetchOne(db, sql: "SELECT failures, window_start, locked_until, expires_at FROM login_failures WHERE key = ?", arguments: [key]).map {
                    LoginFailureRow(key: key, failures: $0["failures"], windowStart: $0["window_start"], lockedUntil: $0["locked_until"], expiresAt: $0["expires_at"])
                }
            }
            let (admission, rows) = throttle.decide(address: try row(addressKey), account: try row(accountKey), addressKey: addressKey, accountKey: accountKey, now: now)
            for row in rows {
                try db.execute(sql: """
                    INSERT INTO login_failures (key, failures, window_start, locked_until, expires_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
                        locked_until = excluded.locked_until, expires_at = excluded.expires_at
                    """, arguments: [row.key, row.failures, row.windowStart, row.lockedUntil, row.expiresAt])
            }
            return admission
        }
    }

    public func loginSucceeded(email: String, client: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM login_failures WHERE key IN (?, ?)",
                           arguments: [LoginThrottle.addressKey(email: email, client: client), LoginThrottle.accountKey(email: email)])
        }
    }

    public func loginFailureRows() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM login_failures") ?? 0 }
    }
}
