public import Foundation
import GRDB

/// The limits on password guessing: per account and client address, a lockout after `limit`
/// attempts within `window`; per account from any address, an exponential backoff once
/// `accountLimit` attempts fail within `window` (1 s, 2 s, 4 s… up to `maxBackoff`), so many
/// addresses cannot share the guessing and one address cannot lock a member out for long.
public struct LoginThrottle: Sendable, Hashable {
    public var limit: Int
    public var window: TimeInterval
    public var lockout: TimeInterval
    public var accountLimit: Int
    public var maxBackoff: TimeInterval

    public init(limit: Int = 5, window: TimeInterval = 15 * 60, lockout: TimeInterval = 15 * 60, accountLimit: Int = 20, maxBackoff: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
        self.lockout = lockout
        self.accountLimit = accountLimit
        self.maxBackoff = maxBackoff
    }
}

/// Whether a login attempt may check the password.
public enum LoginAdmission: Sendable, Equatable {
    case allowed
    /// Refused without checking; seconds until the next attempt may be made.
    case refused(retryAfter: Int)
}

extension StateStore {
    /// Admits or refuses one login attempt for `email` (already normalised) from `client`, and
    /// counts it as a failure in the same transaction, before the password is checked: parallel
    /// guesses cannot all slip in between a check and a later count. A success then clears the
    /// count (`loginSucceeded`). Rows whose window and lockout have passed are purged on the way,
    /// so failed logins cannot fill the disk.
    public func admitLoginAttempt(email: String, client: String, throttle: LoginThrottle, now: Date = Date()) async throws -> LoginAdmission {
        let addressKey = "address|\(email)|\(client)", accountKey = "account|\(email)"
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM login_failures WHERE expires_at < ?", arguments: [now])
            var rows: [String: (failures: Int, start: Date, lockedUntil: Date?)] = [:]
            for key in [addressKey, accountKey] {
                guard let row = try Row.fetchOne(db, sql: "SELECT failures, window_start, locked_until FROM login_failures WHERE key = ?", arguments: [key]) else { continue }
                let lockedUntil = row["locked_until"] as Date?
                // Dates are stored to the millisecond: a thousandth over a whole second is not a second more.
                if let lockedUntil, lockedUntil > now { return .refused(retryAfter: max(1, Int((lockedUntil.timeIntervalSince(now) - 0.001).rounded(.up)))) }
                let start = row["window_start"] as Date? ?? now
                rows[key] = now.timeIntervalSince(start) < throttle.window ? (row["failures"] as Int? ?? 0, start, nil) : (0, now, nil)
            }
            func save(_ key: String, failures: Int, start: Date, lockedUntil: Date?) throws {
                let expires = max(start.addingTimeInterval(throttle.window), lockedUntil ?? now)
                try db.execute(sql: """
                    INSERT INTO login_failures (key, failures, window_start, locked_until, expires_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
                        locked_until = excluded.locked_until, expires_at = excluded.expires_at
                    """, arguments: [key, failures, start, lockedUntil, expires])
            }
            let address = rows[addressKey] ?? (0, now, nil)
            let addressFailures = address.failures + 1
            try save(addressKey, failures: addressFailures >= throttle.limit ? 0 : addressFailures, start: address.start,
                     lockedUntil: addressFailures >= throttle.limit ? now.addingTimeInterval(throttle.lockout) : nil)
            let account = rows[accountKey] ?? (0, now, nil)
            let accountFailures = account.failures + 1
            let beyond = accountFailures - throttle.accountLimit
            let backoff: Date? = beyond >= 0 ? now.addingTimeInterval(min(throttle.maxBackoff, pow(2, Double(min(beyond, 30))))) : nil
            try save(accountKey, failures: accountFailures, start: account.start, lockedUntil: backoff)
            return .allowed
        }
    }

    /// The password was right: the attempt no longer counts against the account or address.
    public func loginSucceeded(email: String, client: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM login_failures WHERE key IN (?, ?)", arguments: ["address|\(email)|\(client)", "account|\(email)"])
        }
    }

    /// Rows of the login-failure table: what the purge leaves (operators and tests check it).
    public func loginFailureRows() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM login_failures") ?? 0 }
    }
}
