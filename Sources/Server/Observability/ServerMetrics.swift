import Foundation
import Synchronization

/// The server's Prometheus metrics, rendered as text exposition format 0.0.4 at `/metrics`:
/// request counts and latency histograms per route, retrieval/embedding/generation latencies,
/// index loads and swaps, open mappings, query-cache hits. No dependency: a few locked counters.
final class ServerMetrics: Sendable {
    final class Counter: Sendable {
        private let value = Mutex<Double>(0)
        func increment(by amount: Double = 1) { value.withLock { $0 += amount } }
        var current: Double { value.withLock { $0 } }
    }

    final class Gauge: Sendable {
        private let value = Mutex<Double>(0)
        func set(_ new: Double) { value.withLock { $0 = new } }
        var current: Double { value.withLock { $0 } }
    }

    /// Cumulative buckets in seconds, from 0.5 ms to 60 s.
    final class Histogram: Sendable {
        static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
        private struct Counts { var buckets = [UInt64](repeating: 0, count: Histogram.bounds.count); var count: UInt64 = 0; var sum: Double = 0 }
        private let counts = Mutex(Counts())

        func observe(_ seconds: Double) {
            counts.withLock { counts in
                if let index = Self.bounds.firstIndex(where: { seconds <= $0 }) { counts.buckets[index] += 1 }
                counts.count += 1
                counts.sum += seconds
            }
        }

        func render(name: String, labels: String) -> String {
            let snapshot = counts.withLock { $0 }
            var text = ""
            var cumulative: UInt64 = 0
            let prefix = labels.isEmpty ? "" : labels + ","
            for (bound, count) in zip(Self.bounds, snapshot.buckets) {
                cumulative += count
                text += "\(name)_bucket{\(prefix)le=\"\(bound)\"} \(cumulative)\n"
            }
            text += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(snapshot.count)\n"
            text += "\(name)_sum\(labels.isEmpty ? "" : "{\(labels)}") \(snapshot.sum)\n"
            text += "\(name)_count\(labels.isEmpty ? "" : "{\(labels)}") \(snapshot.count)\n"
            return text
        }
    }

    private struct RouteKey: Hashable { var method: String; var route: String }
    private let requests = Mutex<[RouteKey: (histogram: Histogram, statuses: [Int: UInt64])]>([:])

    let retrieval = Histogram()
    let embedding = Histogram()
    let generation = Histogram()
    let indexLoads = Counter()
    let indexSwaps = Counter()
    let indexSwapFailures = Counter()
    /// Per creator: 1 when its live index opens and its embedder is available, else 0 (set by
    /// readiness checks).
    let indexReady = Mutex<[String: Bool]>([:])
    let openMappings = Gauge()
    let queryCacheHits = Counter()
    let queryCacheMisses = Counter()
    let extractiveAnswers = Counter()
    let generatedAnswers = Counter()

    func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        let histogram = requests.withLock { requests -> Histogram in
            let key = RouteKey(method: method, route: route)
            var entry = requests[key] ?? (Histogram(), [:])
            entry.statuses[status, default: 0] += 1
            requests[key] = entry
            return entry.histogram
        }
        histogram.observe(seconds)
    }

    func render() -> String {
        var text = "# HELP coachrag_http_requests_total HTTP requests by route, method and status.\n# TYPE coachrag_http_requests_total counter\n"
        let snapshot = requests.withLock { $0 }.sorted { ($0.key.route, $0.key.method) < ($1.key.route, $1.key.method) }
        for (key, entry) in snapshot {
            for (status, count) in entry.statuses.sorted(by: { $0.key < $1.key }) {
                text += "coachrag_http_requests_total{method=\"\(key.method)\",route=\"\(key.route)\",status=\"\(status)\"} \(count)\n"
            }
        }
        text += "# HELP coachrag_http_request_duration_seconds HTTP request latency by route.\n# TYPE coachrag_http_request_duration_seconds histogram\n"
        for (key, entry) in snapshot {
            text += entry.histogram.render(name: "coachrag_http_request_duration_seconds", labels: "method=\"\(key.method)\",route=\"\(key.route)\"")
        }
        for (name, help, histogram) in [
            ("coachrag_retrieval_duration_seconds", "Query embedding plus index search.", retrieval),
            ("coachrag_embedding_duration_seconds", "Query embedding (cache misses only).", embedding),
            ("coachrag_generation_duration_seconds", "Ollama chat generation.", generation),
        ] {
            text += "# HELP \(name) \(help)\n# TYPE \(name) histogram\n" + histogram.render(name: name, labels: "")
        }
        for (name, help, type, value) in [
            ("coachrag_index_loads_total", "Index versions mapped for a creator not open before.", "counter", indexLoads.current),
            ("coachrag_index_swaps_total", "Swaps to a newly published index version.", "counter", indexSwaps.current),
            ("coachrag_index_swap_failures_total", "Published versions that could not be opened (the previous one kept serving).", "counter", indexSwapFailures.current),
            ("coachrag_index_open_mappings", "Index files currently mapped.", "gauge", openMappings.current),
            ("coachrag_query_cache_hits_total", "Queries answered from the query-vector cache.", "counter", queryCacheHits.current),
            ("coachrag_query_cache_misses_total", "Queries embedded by the model.", "counter", queryCacheMisses.current),
            ("coachrag_answers_generated_total", "Answers generated by the chat model.", "counter", generatedAnswers.current),
            ("coachrag_answers_extractive_total", "Answers given in extractive mode.", "counter", extractiveAnswers.current),
        ] {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        text += "# HELP coachrag_index_ready Whether a creator's live index can be served (1) or not (0), as of the last readiness check.\n# TYPE coachrag_index_ready gauge\n"
        for (creator, ready) in indexReady.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            text += "coachrag_index_ready{creator=\"\(creator)\"} \(ready ? 1 : 0)\n"
        }
        return text
    }
}
