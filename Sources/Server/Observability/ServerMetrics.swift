import Foundation
import Prometheus
import Synchronization

/// The server's Prometheus metrics, kept in a swift-prometheus `PrometheusCollectorRegistry`
/// and rendered at `/metrics` (text exposition 0.0.4): request counts and latency histograms
/// per route, retrieval/embedding/generation latencies, index loads, swaps and failed swaps,
/// open mappings, index readiness per creator, query-cache hits, answers by mode, and the
/// `process_*` figures. `coachrag serve` also bootstraps swift-metrics on the same registry
/// (`CoachServer.bootstrapMetrics`), so what libraries record appears there too.
final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    /// Seconds, from 0.5 ms to 60 s.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    let retrieval: ValueHistogram
    let embedding: ValueHistogram
    let generation: ValueHistogram
    let indexLoads: Counter
    let indexSwaps: Counter
    let indexSwapFailures: Counter
    let openMappings: Gauge
    let queryCacheHits: Counter
    let queryCacheMisses: Counter
    private let process: ProcessMetrics

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func histogram(_ name: String, _ help: String) -> ValueHistogram {
            registry.makeValueHistogram(descriptor: .init(namespace: "coachrag", metricName: name, unitName: "seconds", helpText: help), buckets: Self.buckets)
        }
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: .init(namespace: "coachrag", metricName: name, unitName: "total", helpText: help))
        }
        retrieval = histogram("retrieval_duration", "Query embedding plus index search.")
        embedding = histogram("embedding_duration", "Query embedding (cache misses only).")
        generation = histogram("generation_duration", "Ollama chat generation.")
        indexLoads = counter("index_loads", "Index versions mapped for a creator not open before.")
        indexSwaps = counter("index_swaps", "Swaps to a newly published index version.")
        indexSwapFailures = counter("index_swap_failures", "Published versions that could not be opened (the previous one kept serving).")
        openMappings = registry.makeGauge(descriptor: .init(namespace: "coachrag", metricName: "index_open", unitName: "mappings", helpText: "Index files currently mapped."))
        queryCacheHits = counter("query_cache_hits", "Queries answered from the query-vector cache.")
        queryCacheMisses = counter("query_cache_misses", "Queries embedded by the model.")
        process = ProcessMetrics(registry: registry)
    }

    /// One answer, by how it was made (`generated`, `extractive`).
    func answered(mode: String) {
        registry.makeCounter(descriptor: .init(namespace: "coachrag", metricName: "answers", unitName: "total", helpText: "Answers by mode."),
                             labels: [("mode", mode)]).increment()
    }

    func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        registry.makeCounter(descriptor: .init(namespace: "coachrag", subsystem: "http", metricName: "requests", unitName: "total",
                                               helpText: "HTTP requests by route, method and status."),
                             labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        registry.makeValueHistogram(descriptor: .init(namespace: "coachrag", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                                                      helpText: "HTTP request latency by route, until the body was written."),
                                    labels: [("method", method), ("route", route)], buckets: Self.buckets).record(seconds)
    }

    /// Whether each creator's live index can be served, as of a readiness check.
    func setIndexReady(_ ready: [String: Bool]) {
        for (creator, isReady) in ready {
            registry.makeGauge(descriptor: .init(namespace: "coachrag", metricName: "index", unitName: "ready",
                                                 helpText: "Whether a creator's live index can be served (1) or not (0), as of the last readiness check."),
                               labels: [("creator", creator)]).set(to: isReady ? 1.0 : 0.0)
        }
    }

    func render() -> String {
        process.update()
        return registry.emitToString()
    }
}

/// `process_*` figures read from `/proc/self` and `getrusage` when metrics are rendered.
final class ProcessMetrics: Sendable {
    private let residentMemory: Gauge
    private let virtualMemory: Gauge
    private let openFileDescriptors: Gauge
    private let cpuSeconds: Counter
    /// CPU seconds already counted (the counter only moves forward, by the difference).
    private let countedCPUSeconds = Mutex<Double>(0)
    private let startTime: Gauge

    init(registry: PrometheusCollectorRegistry) {
        func gauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: .init(namespace: "process", metricName: name, unitName: unit, helpText: help))
        }
        residentMemory = gauge("resident_memory", "bytes", "Resident memory size in bytes.")
        virtualMemory = gauge("virtual_memory", "bytes", "Virtual memory size in bytes.")
        openFileDescriptors = gauge("open", "fds", "Open file descriptors.")
        cpuSeconds = registry.makeCounter(descriptor: .init(namespace: "process", metricName: "cpu_seconds", unitName: "total", helpText: "User and system CPU time spent, in seconds."))
        startTime = gauge("start_time", "seconds", "Start time of the process since the Unix epoch, in seconds.")
        startTime.set(to: Date().timeIntervalSince1970 - ProcessInfo.processInfo.systemUptime + Self.uptimeAtStart())
    }

    func update() {
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let fields = statm.split(separator: " ").compactMap { Double($0) }
            if fields.count >= 2 {
                virtualMemory.set(to: fields[0] * pageSize)
                residentMemory.set(to: fields[1] * pageSize)
            }
        }
        openFileDescriptors.set(to: Double(((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count))
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        let total = seconds(usage.ru_utime) + seconds(usage.ru_stime)
        let delta = countedCPUSeconds.withLock { counted -> Double in
            let delta = max(0, total - counted)
            counted += delta
            return delta
        }
        if delta > 0 { cpuSeconds.increment(by: delta) }
    }

    /// The system uptime when this process started (field 22 of `/proc/self/stat`, in clock
    /// ticks), so the start time is the process's, not this object's.
    private static func uptimeAtStart() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return ProcessInfo.processInfo.systemUptime }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, so start time (22) is index 19 here.
        guard fields.count > 19, let ticks = Double(fields[19]) else { return ProcessInfo.processInfo.systemUptime }
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
