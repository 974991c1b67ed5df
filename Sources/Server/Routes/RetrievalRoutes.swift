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
            struct Hit: Encodable {
                var score: Float, chunk: Int, document: String, page_start: Int?, page_end: Int?, start: Int, end: Int, text: String
                func encode(to encoder: any Encoder) throws {
                    var c = encoder.container(keyedBy: CodingKeys.self)
                    try c.encode(score, forKey: .score); try c.encode(chunk, forKey: .chunk); try c.encode(document, forKey: .document)
                    try c.encode(page_start, forKey: .page_start); try c.encode(page_end, forKey: .page_end)
                    try c.encode(start, forKey: .start); try c.encode(end, forKey: .end); try c.encode(text, forKey: .text)
                }
                enum CodingKeys: String, CodingKey { case score, chunk, document, page_start, page_end, start, end, text }
            }
            struct SearchTimings: Encodable { var embed_ms: Double, search_ms: Double, total_ms: Double }
            struct Answer: Encodable { var hits: [Hit]; var index_version: String; var timings: SearchTimings }
            let hits = result.passages.map {
                Hit(score: $0.score, chunk: $0.chunk, document: $0.document, page_start: $0.pageStart, page_end: $0.pageEnd, start: $0.start, end: $0.end, text: $0.text)
            }
            return try jsonResponse(Answer(hits: hits, index_version: result.version,
                                           timings: SearchTimings(embed_ms: result.embedMilliseconds, search_ms: result.searchMilliseconds,
                                                                  total_ms: (ContinuousClock.now - started).milliseconds)))
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
