import Foundation
import Synchronization

/// Remembers, for a few seconds, access tokens already verified and sessions found live, so a
/// busy client does not pay an RSA verification and a database read on every request.
/// Revocations made by this process (logout, refresh-token reuse, account deletion) clear the
/// entry at once; a revocation by another process sharing the database is seen within `ttl`.
final class SessionCache: Sendable {
    private struct Entry { var identity: Identity; var until: ContinuousClock.Instant }
    private let entries = Mutex<[String: Entry]>([:])
    let ttl: Duration
    let capacity: Int

    init(ttl: Duration = .seconds(2), capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func identity(for token: String) -> Identity? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.until > now else {
                entries[token] = nil
                return nil
            }
            return entry.identity
        }
    }

    /// Caches until the sooner of `ttl` and the token's own expiry.
    func remember(_ identity: Identity, for token: String, expires: Date) {
        let remaining = expires.timeIntervalSinceNow
        guard remaining > 0 else { return }
        let until = ContinuousClock.now + min(ttl, .milliseconds(Int(remaining * 1000)))
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = Entry(identity: identity, until: until)
        }
    }

    /// Forgets every cached token of a session (or, with nil, of a user).
    func forget(userID: String, sessionID: String?) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.identity.userID != userID || (sessionID != nil && $0.value.identity.sessionID != sessionID) }
        }
    }

    /// Forgets everything (a refresh token was replayed: its family is revoked, and which
    /// cached tokens belong to it is not worth a lookup).
    func forgetAll() {
        entries.withLock { $0.removeAll() }
    }
}
