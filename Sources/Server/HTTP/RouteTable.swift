import Foundation

/// The routes the OpenAPI document lists (a test keeps it equal to the router's), used to tell
/// a path that exists under other methods (405 with `Allow`) from one that does not (404).
struct RouteTable: Sendable {
    private let routes: [(segments: [Substring], methods: [String])]

    /// From `openapi.json`'s `paths`; an unreadable document gives an empty table (every
    /// unknown route is then 404).
    init(openAPI: Data) {
        let paths = ((try? JSONSerialization.jsonObject(with: openAPI)) as? [String: Any])?["paths"] as? [String: [String: Any]] ?? [:]
        routes = paths.map { path, operations in
            (path.split(separator: "/"), operations.keys.map { $0.uppercased() }.filter { ["GET", "POST", "PUT", "PATCH", "DELETE"].contains($0) }.sorted())
        }
    }

    /// The methods `path` answers to, or empty when no route has that shape.
    func methods(for path: String) -> [String] {
        let parts = path.split(separator: "/")
        var methods = Set<String>()
        for route in routes where route.segments.count == parts.count {
            let matches = zip(route.segments, parts).allSatisfy { pattern, part in (pattern.hasPrefix("{") && pattern.hasSuffix("}")) || pattern == part }
            if matches { methods.formUnion(route.methods) }
        }
        return methods.sorted()
    }
}
