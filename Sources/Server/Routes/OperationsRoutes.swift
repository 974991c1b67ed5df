import Embedding
import Foundation
import Hummingbird
import Synchronization

extension Services {
    /// `GET /api/v1/admin/readiness`: readiness with every creator's detail, for admins.
    func addAdminRoutes(_ manage: RouterGroup<AppContext>) {
        manage.get("admin/readiness") { _, context in
            guard try context.caller().role == .admin else { throw APIError.forbidden("readiness detail is for admins") }
            let report = await cachedReadiness()
            return try jsonResponse(report)
        }
    }

    /// Health, readiness, metrics, the OpenAPI document and the JWKS (no authentication).
    func addOperationsRoutes(_ router: Router<AppContext>) {
        router.get("health/live") { _, _ in try jsonResponse(["status": "ok"]) }
        router.get("health/ready") { _, _ in
            // Strangers learn ready or not, nothing else (no creators, paths or addresses).
            let report = await cachedReadiness()
            return try jsonResponse(["status": report.status], status: report.status == "ready" ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
        }
        router.get(".well-known/jwks.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: tokens.jwks)))
        }
    }
}

/// What readiness found: `/health/ready` answers only `status`; admins get the rest at
/// `/api/v1/admin/readiness`; the server logs it at start.
struct Readiness: Encodable, Sendable {
    /// `ready` when the database answers. A creator whose index cannot be served is reported
    /// here and in `coachrag_index_ready`, and does not make the whole instance unready.
    var status: String
    var database: String
    /// Per creator: `ok (<version>, <embedder>)` or `error: <why>`.
    var indexes: [String: String]
    var ollama: String
}

/// The last readiness report, reused for `lifetime`.
final class ReadinessCache: Sendable {
    let lifetime: Duration
    private let last = Mutex<(at: ContinuousClock.Instant, report: Readiness)?>(nil)

    init(lifetime: Duration) { self.lifetime = lifetime }

    func report(_ compute: () async -> Readiness) async -> Readiness {
        let now = ContinuousClock.now
        if let cached = last.withLock({ $0 }), now - cached.at < lifetime { return cached.report }
        let report = await compute()
        last.withLock { $0 = (now, report) }
        return report
    }
}

extension Services {
    func cachedReadiness() async -> Readiness {
        await readinessCache.report { await readiness() }
    }

    /// Checks the database and every published index: it opens and can be queried with the
    /// embedder it records (checked once per distinct embedder). Ollama's own status is
    /// reported, not required: without it answers are extractive.
    func readiness() async -> Readiness {
        // The backend, never its URL: `ok (sqlite)` or `ok (postgresql)`.
        let backend = configuration.databaseLocation.backend
        var database = "ok (\(backend))"
        do { try await state.check() } catch { database = "error (\(backend)): \(error)" }
        var indexes: [String: String] = [:]
        var embedderProblems: [EmbedderDescriptor: String?] = [:]
        for creator in self.indexes.registeredCreators() {
            do {
                let (version, descriptor) = try self.indexes.probe(creator)
                if embedderProblems[descriptor] == nil {
                    do {
                        _ = try await retriever.embedders.embedder(for: descriptor)
                        embedderProblems[descriptor] = .some(nil)
                    } catch {
                        embedderProblems[descriptor] = .some((error as? APIError).map { $0.internalDetail ?? $0.detail } ?? "\(error)")
                    }
                }
                if let problem = embedderProblems[descriptor] ?? nil {
                    indexes[creator] = "error: \(problem)"
                } else {
                    indexes[creator] = "ok (\(version), \(descriptor.summary))"
                }
            } catch {
                indexes[creator] = "error: \(error)"
            }
        }
        metrics.setIndexReady(indexes.mapValues { $0.hasPrefix("ok") })
        return Readiness(status: database.hasPrefix("ok") ? "ready" : "not_ready", database: database, indexes: indexes, ollama: await chat.status())
    }
}
