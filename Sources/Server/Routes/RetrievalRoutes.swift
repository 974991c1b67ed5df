import Foundation
import Hummingbird
import Retrieval

extension Services {
    /// `POST /api/v1/creators/{creator}/search`: the passages closest to a query.
    func addRetrievalRoutes(_ group: RouterGroup<AppContext>) {
        let limit = configuration.maxBodyBytes
        group.post("creators/{creator}/search") { request, context in
            let creator = try authorizedCreator(context)
            let body = try await StrictJSON.decode(SearchBody.self, from: request, limit: limit)
            try checkQuestion(body.query, field: "query")
            for (index, turn) in body.context.enumerated() { try checkQuestion(turn.content, field: "context[\(index)].content") }
            let started = ContinuousClock.now
            var search = answers.settings.settings(for: creator)
            if let method = body.method { search.search.method = method }
            let result = try await retriever.retrieve(ConversationQuery(question: body.query, context: body.context), creator: creator,
                                                      k: body.k, ef: search.efSearch, settings: search.search, minimumScore: body.min_score)
            var json = JSONText(capacity: 1024 + result.passages.reduce(0) { $0 + $1.text.utf8.count + $1.excerpt.text.utf8.count + 300 })
            func component(_ key: String, _ value: RetrievedHit.Component?) {
                json.raw(",\"\(key)\":")
                guard let value else { json.raw("null"); return }
                json.raw("{\"rank\":"); json.number(value.rank)
                json.raw(",\"score\":"); json.number(Double(value.score)); json.raw("}")
            }
            json.raw("{\"confidence\":"); json.number(result.confidence)
            json.raw(",\"hits\":[")
            for (index, passage) in result.passages.enumerated() {
                json.raw(index == 0 ? "{\"chunk\":" : ",{\"chunk\":")
                json.number(passage.chunk)
                component("dense", passage.dense)
                json.raw(",\"document\":"); json.string(passage.document)
                json.raw(",\"end\":"); json.number(passage.end)
                json.raw(",\"excerpt\":{\"end\":"); json.number(passage.excerpt.end)
                json.raw(",\"page_end\":"); json.number(passage.excerpt.pageEnd)
                json.raw(",\"page_start\":"); json.number(passage.excerpt.pageStart)
                json.raw(",\"start\":"); json.number(passage.excerpt.start)
                json.raw(",\"text\":"); json.string(passage.excerpt.text); json.raw("}")
                component("lexical", passage.lexical)
                json.raw(",\"page_end\":"); json.number(passage.pageEnd)
                json.raw(",\"page_start\":"); json.number(passage.pageStart)
                json.raw(",\"score\":"); json.number(Double(passage.score))
                json.raw(",\"start\":"); json.number(passage.start)
                json.raw(",\"text\":"); json.string(passage.text)
                json.raw("}")
            }
            json.raw("],\"index_version\":"); json.string(result.version)
            json.raw(",\"method\":"); json.string(result.method.rawValue)
            json.raw(",\"retrieval_query\":"); json.string(result.query)
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
