import Synchronization

/// Admission to password hashing (login, registration): at most one hash per core runs
/// (`PasswordHasher`'s threads) and `queueLength` wait; any more is refused at once with 503
/// and `Retry-After`, so a flood of logins queues a bounded amount of Argon2 work instead of
/// all of it.
final class PasswordWorkGate: Sendable {
    let capacity: Int
    private let admitted = Mutex(0)

    init(running: Int, queueLength: Int) {
        capacity = max(1, running) + max(0, queueLength)
    }

    func run<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        let entered = admitted.withLock { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
        guard entered else { throw APIError.busy("too many password checks in progress; try again in a second", retryAfter: 1) }
        defer { admitted.withLock { $0 -= 1 } }
        return try await work()
    }
}
