public import Foundation

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


/// One row of the login-failure table: failures counted in the window that started at
/// `windowStart`, and a lockout (address) or backoff (account) until `lockedUntil`.
struct LoginFailureRow: Sendable, Equatable {
    var key: String
    var failures: Int
    var windowStart: Date
    var lockedUntil: Date?
    /// When the row may be purged: its window and its lockout both over.
    var expiresAt: Date
}

extension LoginThrottle {
    static func addressKey(email: String, client: String) -> String { "address|\(email)|\(client)" }
    static func accountKey(email: String) -> String { "account|\(email)" }

    /// The throttle's arithmetic, the same for every backend: given the stored rows of the
    /// attempt's address and account keys (nil: none, or purged), whether it is admitted and,
    /// when it is, the rows to store (the attempt counted as a failure).
    func decide(address: LoginFailureRow?, account: LoginFailureRow?, addressKey: String, accountKey: String, now: Date) -> (LoginAdmission, [LoginFailureRow]) {
        var current: [(key: String, failures: Int, start: Date)] = []
        for (key, row) in [(addressKey, address), (accountKey, account)] {
            guard let row else { current.append((key, 0, now)); continue }
            // Dates are stored to the millisecond: a thousandth over a whole second is not a second more.
            if let lockedUntil = row.lockedUntil, lockedUntil > now {
                return (.refused(retryAfter: max(1, Int((lockedUntil.timeIntervalSince(now) - 0.001).rounded(.up)))), [])
            }
            current.append(now.timeIntervalSince(row.windowStart) < window ? (key, row.failures, row.windowStart) : (key, 0, now))
        }
        func row(_ key: String, failures: Int, start: Date, lockedUntil: Date?) -> LoginFailureRow {
            LoginFailureRow(key: key, failures: failures, windowStart: start, lockedUntil: lockedUntil,
                            expiresAt: max(start.addingTimeInterval(window), lockedUntil ?? now))
        }
        let addressFailures = current[0].failures + 1
        let locked = addressFailures >= limit
        let accountFailures = current[1].failures + 1
        let beyond = accountFailures - accountLimit
        let backoff: Date? = beyond >= 0 ? now.addingTimeInterval(min(maxBackoff, pow(2, Double(min(beyond, 30))))) : nil
        return (.allowed, [
            row(addressKey, failures: locked ? 0 : addressFailures, start: current[0].start, lockedUntil: locked ? now.addingTimeInterval(lockout) : nil),
            row(accountKey, failures: accountFailures, start: current[1].start, lockedUntil: backoff),
        ])
    }
}
