import Hummingbird

/// `?limit=N&cursor=C` of a paginated list, checked.
enum PageRequest {
    static func parse(_ request: Request, defaultLimit: Int, maxLimit: Int) throws -> (limit: Int, cursor: String?) {
        let query = request.uri.queryParameters
        var limit = defaultLimit
        if let text = query.get("limit") {
            guard let value = Int(text), (1...maxLimit).contains(value) else { throw APIError.invalid("limit", "must be a whole number from 1 to \(maxLimit)") }
            limit = value
        }
        let cursor = query.get("cursor").flatMap { $0.isEmpty ? nil : $0 }
        return (limit, cursor)
    }
}

/// One page of a list as JSON: `{"<name>": [...], "next_cursor": "..." | null}`.
struct PagedList<Item: Encodable>: Encodable {
    var name: String
    var items: [Item]
    var nextCursor: String?

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(items, forKey: Key(name))
        try container.encode(nextCursor, forKey: Key("next_cursor"))
    }
}
