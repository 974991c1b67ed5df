/// Exponential backoff with full jitter, bounded in attempts and in total time.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int = 4
    /// Delay cap before attempt 2; doubles each attempt up to `maxDelay`.
    public var baseDelay: Double = 0.25
    public var maxDelay: Double = 4
    /// No new attempt starts after this many seconds since the first.
    public var budget: Double = 30

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.25, maxDelay: Double = 4, budget: Double = 30) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.budget = budget
    }

    /// The pause before attempt `attempt + 1` (attempt counts from 1): uniform in [0, cap].
    func delay(after attempt: Int) -> Double {
        let cap = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 20)))
        return Double.random(in: 0...cap)
    }
}
