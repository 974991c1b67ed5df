import Embedding
import Foundation
import Logging
import Synchronization
import VectorIndex

/// The creators' live indexes, memory-mapped on first use and kept in a bounded LRU.
///
/// Every lease stats the creator's `CURRENT` (a rename gives it a new inode, so a publish is
/// seen on the next request) and swaps to the new version when it changed. A lease holds its
/// `MappedIndex`, so a request in flight finishes on the version it started with; the old
/// mapping is unmapped when its last lease ends. The registry never writes.
///
/// When `CURRENT` names a version that cannot be opened (missing, truncated, corrupt), the
/// previous mapping keeps serving: the failed swap is logged and counted, and retried after a
/// backoff (1 s, doubling to 60 s) rather than on every request.
final class IndexRegistry: Sendable {
    /// One request's hold on one version of a creator's index.
    struct Lease: Sendable {
        var creator: String
        var version: String
        var index: MappedIndex
    }

    private struct Entry {
        var lease: Lease
        var signature: FileSignature
        var lastUse: UInt64
        /// A `CURRENT` that could not be opened, and when to try it again.
        var failed: (signature: FileSignature, retryAt: ContinuousClock.Instant, backoff: Duration)?
    }

    private struct Entries {
        var byCreator: [String: Entry] = [:]
        var clock: UInt64 = 0
    }

    let store: IndexStore
    let maxOpen: Int
    private let metrics: ServerMetrics
    private let logger: Logger
    private let entries = Mutex(Entries())

    init(root: URL, maxOpen: Int, metrics: ServerMetrics, logger: Logger) {
        store = IndexStore(root: root)
        self.maxOpen = max(1, maxOpen)
        self.metrics = metrics
        self.logger = logger
    }

    func lease(_ creator: String) throws -> Lease {
        do {
            try IndexStore.validateCreator(creator)
        } catch {
            throw APIError.notFound("creator \"\(creator)\" has no index")
        }
        let pointer = store.root.appendingPathComponent(creator).appendingPathComponent("CURRENT")
        guard let signature = FileSignature(path: pointer.path) else {
            throw APIError.notFound("creator \"\(creator)\" has no index yet (run coachrag ingest)")
        }
        let now = ContinuousClock.now
        let cached = entries.withLock { entries -> Lease? in
            guard var entry = entries.byCreator[creator] else { return nil }
            let waiting = entry.failed.map { $0.signature == signature && now < $0.retryAt } ?? false
            guard entry.signature == signature || waiting else { return nil }
            entries.clock += 1
            entry.lastUse = entries.clock
            entries.byCreator[creator] = entry
            return entry.lease
        }
        if let cached { return cached }

        let mapped: MappedIndex
        do {
            mapped = try store.openCurrent(creator: creator)
        } catch {
            metrics.indexSwapFailures.increment()
            let previous = entries.withLock { entries -> (lease: Lease, backoff: Duration)? in
                guard var entry = entries.byCreator[creator] else { return nil }
                let backoff = entry.failed.map { min($0.backoff * 2, .seconds(60)) } ?? .seconds(1)
                entry.failed = (signature, now + backoff, backoff)
                entries.byCreator[creator] = entry
                return (entry.lease, backoff)
            }
            logger.error("index swap failed", metadata: ["creator": .string(creator), "error": .string("\(error)"),
                                                        "serving": .string(previous?.lease.version ?? "nothing"),
                                                        "retry_in_s": .stringConvertible(previous.map { $0.backoff.components.seconds } ?? 0)])
            if let previous { return previous.lease }
            throw APIError.unavailable("the index of creator \"\(creator)\" cannot be read right now", cause: "\(error)")
        }
        let lease = Lease(creator: creator, version: mapped.url.lastPathComponent, index: mapped)
        let (swapped, open) = entries.withLock { entries -> (Bool, Int) in
            entries.clock += 1
            let previous = entries.byCreator[creator]
            entries.byCreator[creator] = Entry(lease: lease, signature: signature, lastUse: entries.clock)
            while entries.byCreator.count > maxOpen,
                  let oldest = entries.byCreator.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                entries.byCreator[oldest] = nil
            }
            return (previous != nil && previous?.lease.version != lease.version, entries.byCreator.count)
        }
        if swapped { metrics.indexSwaps.increment() } else { metrics.indexLoads.increment() }
        metrics.openMappings.set(to: Double(open))
        return lease
    }

    /// Opens a creator's live index to check it, without touching the LRU (so a readiness
    /// probe does not evict the mappings that requests use). Returns its version and embedder.
    func probe(_ creator: String) throws -> (version: String, descriptor: EmbedderDescriptor) {
        let mapped = try store.openCurrent(creator: creator)
        return (mapped.url.lastPathComponent, try EmbedderDescriptor(canonicalJSON: mapped.header.embedderDescriptor))
    }

    var openCount: Int { entries.withLock { $0.byCreator.count } }

    /// Creators with a published index (a `CURRENT` file), whether open or not.
    func registeredCreators() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: store.root.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: store.root.appendingPathComponent($0).appendingPathComponent("CURRENT").path) }.sorted()
    }
}

/// Identity of a file's current contents as far as a rename-publish can tell: inode, size and
/// modification time.
struct FileSignature: Equatable, Sendable {
    var inode: UInt64
    var size: Int64
    var modified: Int64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }
}
