import Foundation
import Hummingbird

extension Services {
    /// `POST /api/v1/creators/{creator}/search`: the passages closest to a query.
    func addRetrievalRoutes(_ group: RouterGroup<AppContext>) {
        let limit = configuration.maxBodyBytes
        group.post("creators/{creator}/search") { request, context in
            let creator = try authorizedCreator(context)
            let body = try await StrictJSON.decode(SearchBody.self, from: request, limit: limit)
            let started = ContinuousClock.now
            let result = try await retriever.retrieve(body.query, creator: creator, k: body.k, ef: nil, minimumScore: body.min_score)
            var json = JSONText(capacity: 1024 + result.passages.reduce(0) { $0 + $1.text.utf8.count + 200 })
            json.raw("{\"hits\":[")
            for (index, passage) in result.passages.enumerated() {
                json.raw(index == 0 ? "{\"chunk\":" : ",{\"chunk\":")
                json.number(passage.chunk)
                json.raw(",\"document\":"); json.string(passage.document)
                json.raw(",\"end\":"); json.number(passage.end)
                json.raw(",\"page_end\":"); json.number(passage.pageEnd)
                json.raw(",\"page_start\":"); json.number(passage.pageStart)
                json.raw(",\"score\":"); json.number(Double(passage.score))
                json.raw(",\"start\":"); json.number(passage.start)
                json.raw(",\"text\":"); json.string(passage.text)
                json.raw("}")
            }
            json.raw("],\"index_version\":"); json.string(result.version)
            json.raw(",\"timings\":{\"embed_ms\":"); json.number(result.embedMilliseconds)
            json.raw(",\"search_ms\":"); json.number(result.searchMilliseconds)
            json.raw(",\"total_ms\":"); json.number((ContinuousClock.now - started).milliseconds)
            json.raw("}}")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
        }
    }

    /// The `{creator}` of the path, when the caller may reach that tenant (403 otherwise, for
    /// existing and non-existing creators alike).
    func authorizedCreator(_ context: AppContext) throws -> String {
        let identity = try context.caller()
        let creator = try context.parameters.require("creator")
        guard identity.mayAccess(creator: creator) else { throw APIError.forbidden("creator \"\(creator)\" is not your tenant") }
        return creator
    }
}
