import Embedding
import Foundation
import Hummingbird

extension Services {
    /// Health, readiness, metrics, the OpenAPI document and the JWKS (no authentication).
    func addOperationsRoutes(_ router: Router<AppContext>) {
        router.get("health/live") { _, _ in try jsonResponse(["status": "ok"]) }
        router.get("health/ready") { _, _ in
            let report = await readiness()
            return try jsonResponse(report, status: report.status == "ready" ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
        }
        router.get(".well-known/jwks.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: tokens.jwks)))
        }
    }
}

/// What `/health/ready` answers, and what the server logs at start.
struct Readiness: Encodable {
    var status: String
    var database: String
    /// Per creator: `ok (<version>, <embedder>)` or `error: <why>`.
    var indexes: [String: String]
    var ollama: String
}

extension Services {
    /// Ready when the database answers and every published index opens and can be queried
    /// with the embedder it records (checked once per distinct embedder). Ollama's own status
    /// is reported, not required: without it answers are extractive.
    func readiness() async -> Readiness {
        var database = "ok"
        do { try state.check() } catch { database = "error: \(error)" }
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
                        embedderProblems[descriptor] = .some((error as? APIError)?.detail ?? "\(error)")
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
        let ready = database == "ok" && indexes.values.allSatisfy { $0.hasPrefix("ok") }
        return Readiness(status: ready ? "ready" : "not_ready", database: database, indexes: indexes, ollama: await chat.status())
    }
}
