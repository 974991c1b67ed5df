public import Foundation

/// Where the state lives, from `--database URL` / `COACHRAG_DATABASE_URL`:
/// `sqlite:PATH` (a file, the default under the state folder) or
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`
/// (`postgresql://` too; `?host=/run/postgresql` for a Unix socket).
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// The connection details of a PostgreSQL database.
    public struct PostgresLocation: Sendable, Hashable {
        public enum TLSMode: String, Sendable, Hashable, CaseIterable { case disable, prefer, require }
        public var host: String
        public var port: Int
        /// A Unix socket folder (`?host=/path`), instead of `host`.
        public var socketDirectory: String?
        public var user: String
        public var password: String?
        public var database: String
        public var tls: TLSMode
    }

    /// The SQLite file in a state folder (what serve uses when no URL is given).
    public static func sqlite(inStateDirectory directory: URL) -> Self {
        .sqlite(path: directory.appendingPathComponent("coachrag.sqlite").path)
    }

    public init(parsing text: String) throws(StateError) {
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw .badDatabaseURL("sqlite: needs a file path (sqlite:state/coachrag.sqlite)") }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), let components = URLComponents(string: text) else {
            throw .badDatabaseURL("must start with sqlite: or postgres:// (postgresql://)")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        for name in query.keys where !["sslmode", "host"].contains(name) {
            throw .badDatabaseURL("unknown parameter \(name) (known: sslmode, host)")
        }
        let tls: PostgresLocation.TLSMode
        switch query["sslmode"] ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        case let other: throw .badDatabaseURL("sslmode \(other) is not disable, prefer or require")
        }
        let socket = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? (socket == nil ? "localhost" : "")
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard let user = components.user, !user.isEmpty else { throw .badDatabaseURL("names no user (postgres://USER@HOST/DATABASE)") }
        guard !database.isEmpty else { throw .badDatabaseURL("names no database (postgres://USER@HOST/DATABASE)") }
        if let port = components.port, !(1...65535).contains(port) { throw .badDatabaseURL("port \(port) is out of range") }
        self = .postgres(PostgresLocation(host: host, port: components.port ?? 5432, socketDirectory: socket, user: user,
                                          password: components.password.flatMap { $0.removingPercentEncoding ?? $0 },
                                          database: database, tls: tls))
    }

    /// `sqlite` or `postgresql`.
    public var backend: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgresql"
        }
    }

    /// The location without its password: safe for logs and readiness.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let p):
            "postgresql://\(p.user)@\(p.socketDirectory.map { "[\($0)]" } ?? "\(p.host):\(p.port)")/\(p.database)"
        }
    }
}
