import Synchronization

/// Admission to a bounded kind of work (password hashing, query embedding): at most
/// `capacity` at once, running or waiting for a thread; any more is refused at once with 503
/// and `Retry-After: 1`, so a flood queues a bounded amount of work instead of all of it.
final class AdmissionGate: Sendable {
    let capacity: Int
    let work: String
    private let admitted = Mutex(0)

    /// `running`: threads that do the work; `queueLength`: how many may wait for one.
    init(_ work: String, running: Int, queueLength: Int) {
        self.work = work
        capacity = max(1, running) + max(0, queueLength)
    }

    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let entered = admitted.withLock { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
        guard entered else { throw APIError.busy("too many \(work) in progress; try again in a second", retryAfter: 1) }
        defer { admitted.withLock { $0 -= 1 } }
        return try await body()
    }
}
