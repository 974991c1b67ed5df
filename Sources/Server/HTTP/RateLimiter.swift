import Synchronization

/// The token buckets behind `RateLimitMiddleware`, one per client key. `perSecond <= 0`
/// disables limiting.
///
/// Bounded: a bucket that has refilled to `burst` is the same as no bucket, so such buckets are
/// dropped whenever the map reaches `maxClients`; if more than three quarters remain, the
/// fullest buckets go too, down to three quarters: a flood of fresh addresses cannot grow the
/// map nor push out a client that is being limited, and pruning runs at most once per
/// `maxClients / 4` new clients, so its cost per request stays constant.
final class RateLimiter: Sendable {
    let perSecond: Double
    let burst: Double
    let maxClients: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    struct Bucket {
        var tokens: Double
        var at: ContinuousClock.Instant
    }

    init(perSecond: Double, burst: Double, maxClients: Int = 100_000) {
        self.perSecond = perSecond
        self.burst = max(1, burst)
        self.maxClients = max(4, maxClients)
    }

    /// Nil when allowed, else seconds to wait.
    func take(client: String, now: ContinuousClock.Instant = .now) -> Int? {
        guard perSecond > 0 else { return nil }
        return buckets.withLock { buckets in
            var bucket = buckets[client].map { refilled($0, now) } ?? Bucket(tokens: burst, at: now)
            defer {
                if buckets.count >= maxClients, buckets[client] == nil { prune(&buckets, now: now) }
                buckets[client] = bucket
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }

    /// Buckets currently held (for tests).
    var clientCount: Int { buckets.withLock { $0.count } }

    private func refilled(_ bucket: Bucket, _ now: ContinuousClock.Instant) -> Bucket {
        Bucket(tokens: min(burst, bucket.tokens + max(0, (now - bucket.at).seconds) * perSecond), at: now)
    }

    private func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        buckets = buckets.filter { refilled($0.value, now).tokens < burst }
        let target = maxClients * 3 / 4
        guard buckets.count > target else { return }
        // Keep the clients closest to their limit; a full bucket is the least worth keeping.
        let kept = buckets.sorted { refilled($0.value, now).tokens < refilled($1.value, now).tokens }.prefix(target)
        buckets = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
    }
}
