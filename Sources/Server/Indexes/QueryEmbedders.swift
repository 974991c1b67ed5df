import Embedding
import Foundation
import NIOPosix
import Synchronization
import Tokenization

/// The embedders that queries need, one per descriptor recorded in an index, built on first
/// use; and a bounded cache of query vectors (a question asked again skips the model).
///
/// The built-in model runs on threads of its own (`threads`, default one per core) behind an
/// admission bound: a forward pass is milliseconds of BLAS that must not occupy the
/// cooperative pool every handler shares, and a burst of long questions queues a bounded
/// amount of work (then 503 with `Retry-After`). Ollama's embedder is network I/O and runs
/// as it is.
///
/// An index is only ever queried with an embedder whose descriptor equals the one the index
/// records: when the available model differs (another Ollama digest, say), that creator's
/// searches fail with 503 and readiness reports it; results are never silently wrong.
final class QueryEmbedders: Sendable {
    private let tokenizer: WordPieceTokenizer
    private let ollama: OllamaEndpoint
    private let cacheCapacity: Int
    private let metrics: ServerMetrics
    private let built = Mutex<[EmbedderDescriptor: any Embedder]>([:])
    private let cache = Mutex(QueryCache())
    private let threads: NIOThreadPool
    private let admission: AdmissionGate

    init(tokenizer: WordPieceTokenizer, ollama: OllamaEndpoint, cacheCapacity: Int, metrics: ServerMetrics, threads: Int, queueLength: Int) {
        self.tokenizer = tokenizer
        self.ollama = ollama
        self.cacheCapacity = cacheCapacity
        self.metrics = metrics
        self.threads = NIOThreadPool(numberOfThreads: max(1, threads))
        self.threads.start()
        admission = AdmissionGate("questions being embedded", running: threads, queueLength: queueLength)
    }

    func shutdown() async {
        try? await threads.shutdownGracefully()
    }

    /// The embedder for `descriptor`, or a 503 naming the mismatch or the failure.
    func embedder(for descriptor: EmbedderDescriptor) async throws -> any Embedder {
        if let embedder = built.withLock({ $0[descriptor] }) { return embedder }
        let embedder: any Embedder
        do {
            embedder = try await descriptor.makeEmbedder(ollama: ollama, tokenizer: tokenizer, timeout: 10)
        } catch {
            throw APIError.unavailable("the embedding model of this index is not available right now", cause: "\(error)")
        }
        return built.withLock { built in
            if let existing = built[descriptor] { return existing }
            built[descriptor] = embedder
            return embedder
        }
    }

    /// The query's vector and whether it came from the cache. The cache is kept per tenant: a
    /// question one creator's member asked never makes another creator's faster (whose timing
    /// would tell that someone there asked it).
    func embed(query: String, descriptor: EmbedderDescriptor, tenant: String) async throws -> (vector: [Float], cached: Bool) {
        let key = QueryCache.Key(tenant: tenant, descriptor: descriptor, text: query.trimmingCharacters(in: .whitespacesAndNewlines))
        if let vector = cache.withLock({ $0.get(key) }) {
            metrics.queryCacheHits.increment()
            return (vector, true)
        }
        let embedder = try await embedder(for: descriptor)
        let vector: [Float]
        do {
            if let local = embedder as? LocalEmbedder {
                let text = key.text, threads = self.threads
                vector = try await admission.run { try await threads.runIfActive { local.embed([text], policy: .windowAverage)[0] } }
            } else {
                vector = try await embedder.embed(query: key.text)
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.unavailable("the question could not be embedded right now", cause: "embedding the query failed: \(error)")
        }
        cache.withLock { $0.put(key, vector, capacity: cacheCapacity) }
        metrics.queryCacheMisses.increment()
        return (vector, false)
    }
}

/// A small LRU of query vectors; eviction drops the older half when full (amortised O(1)).
struct QueryCache {
    struct Key: Hashable { var tenant: String; var descriptor: EmbedderDescriptor; var text: String }
    private var entries: [Key: (vector: [Float], stamp: UInt64)] = [:]
    private var clock: UInt64 = 0

    mutating func get(_ key: Key) -> [Float]? {
        guard let entry = entries[key] else { return nil }
        clock += 1
        entries[key] = (entry.vector, clock)
        return entry.vector
    }

    mutating func put(_ key: Key, _ vector: [Float], capacity: Int) {
        guard capacity > 0 else { return }
        clock += 1
        entries[key] = (vector, clock)
        if entries.count > capacity {
            let cutoff = entries.values.map(\.stamp).sorted()[entries.count / 2]
            entries = entries.filter { $0.value.stamp >= cutoff }
        }
    }
}
