import Embedding
import Foundation
import Hummingbird

extension Services {
    /// Health, readiness, metrics, the OpenAPI document and the JWKS (no authentication).
    func addOperationsRoutes(_ router: Router<AppContext>) {
        router.get("health/live") { _, _ in try jsonResponse(["status": "ok"]) }
        router.get("health/ready") { _, _ in
            var database = "ok"
            do { try state.check() } catch { database = "error: \(error)" }
            var indexes: [String: String] = [:]
            for creator in self.indexes.registeredCreators().prefix(100) {
                do {
                    let lease = try self.indexes.lease(creator)
                    let descriptor = try EmbedderDescriptor(canonicalJSON: lease.index.header.embedderDescriptor)
                    indexes[creator] = "ok (\(lease.version), \(descriptor.summary))"
                } catch {
                    indexes[creator] = "error: \(error)"
                }
            }
            let ollama = await chat.status()
            let ready = database == "ok" && indexes.values.allSatisfy { $0.hasPrefix("ok") }
            struct Ready: Encodable { var status: String, database: String, indexes: [String: String], ollama: String }
            return try jsonResponse(Ready(status: ready ? "ready" : "not_ready", database: database, indexes: indexes, ollama: ollama),
                                    status: ready ? .ok : .serviceUnavailable)
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
