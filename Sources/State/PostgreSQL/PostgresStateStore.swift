public import Foundation
public import Logging
import NIOSSL
import PostgresNIO

/// The state in a PostgreSQL database, shared by any number of server replicas: the same
/// rules as `SQLiteStateStore`, with row-level security keeping tenants apart in the database
/// itself (`PostgresSchema`). Connections come from a bounded pool; each statement has a
/// time limit; every method is one transaction that first says who it acts for (`Acting`).
public final class PostgresStateStore: StateStore {
    /// Pool and time limits (`--database-pool-size`, `--database-statement-timeout`).
    public struct Options: Sendable, Hashable {
        public var poolSize = 10
        public var statementTimeout: Duration = .seconds(5)
        public var connectTimeout: Duration = .seconds(10)
        public init() {}
    }

    /// Who a transaction acts for: what row-level security lets it see.
    enum Acting {
        /// Tables without tenant rows (users, creators, login failures) and cascades.
        case system
        /// One user's conversations, messages, keys and sessions.
        case user(String)
        /// One creator's invites.
        case tenant(String)
        /// Reading a presented API key or refresh token by its hash (its owner is not known yet).
        case authentication
    }

    let client: PostgresClient
    let location: DatabaseLocation.PostgresLocation
    let logger: Logger
    private let runner: Task<Void, Never>

    public var description: String { DatabaseLocation.postgres(location).description }

    /// Connects, checks the schema and (with `migrate`) applies pending migrations. Throws
    /// `unknownSchemaVersion` for a database a newer binary migrated, `database` when it cannot
    /// connect.
    public static func open(_ location: DatabaseLocation.PostgresLocation, options: Options = Options(), migrate: Bool = true,
                            logger: Logger = Logger(label: "coachrag.state")) async throws -> PostgresStateStore {
        let store = PostgresStateStore(location: location, options: options, logger: logger)
        do {
            // The pool retries a refused connection quietly: one direct connection first, so a
            // server that is not there (or refuses the login) is a clear error at once.
            try await store.probe(options: options)
            let status = try await store.schemaStatus()
            if !status.unknown.isEmpty {
                throw StateError.unknownSchemaVersion(store.description, status.unknown.joined(separator: ", "), status.known.last ?? "none")
            }
            if migrate { _ = try await store.migrate() }
            return store
        } catch {
            try? await store.close()
            throw store.stateError(error)
        }
    }

    private init(location: DatabaseLocation.PostgresLocation, options: Options, logger: Logger) {
        self.location = location
        self.logger = logger
        var configuration: PostgresClient.Configuration
        let tls: PostgresClient.Configuration.TLS = switch location.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        if let socket = location.socketDirectory {
            configuration = .init(unixSocketPath: "\(socket)/.s.PGSQL.\(location.port)", username: location.user, password: location.password, database: location.database)
        } else {
            configuration = .init(host: location.host, port: location.port, username: location.user, password: location.password, database: location.database, tls: tls)
        }
        configuration.options.maximumConnections = max(1, options.poolSize)
        configuration.options.connectTimeout = options.connectTimeout
        let milliseconds = options.statementTimeout.components.seconds * 1000 + options.statementTimeout.components.attoseconds / 1_000_000_000_000_000
        configuration.options.additionalStartupParameters = [("statement_timeout", "\(milliseconds)"), ("application_name", "coachrag")]
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    /// One connection outside the pool, made and closed (its time limit is NIO's, on the event
    /// loop, so a busy process does not turn into a false timeout).
    private func probe(options: Options) async throws {
        var configuration: PostgresConnection.Configuration
        if let socket = location.socketDirectory {
            configuration = .init(unixSocketPath: "\(socket)/.s.PGSQL.\(location.port)", username: location.user, password: location.password, database: location.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS = switch location.tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            configuration = .init(host: location.host, port: location.port, username: location.user, password: location.password, database: location.database, tls: tls)
        }
        configuration.options.connectTimeout = .nanoseconds(Int64(options.connectTimeout.components.seconds) * 1_000_000_000
                                                             + options.connectTimeout.components.attoseconds / 1_000_000_000)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        try await connection.close()
    }

    public func close() async throws {
        runner.cancel()
        await runner.value
    }

    public func check() async throws {
        try await transaction(.system) { connection in _ = try await connection.query("SELECT 1", logger: self.logger).collect() }
    }

    public func databaseBytes() async throws -> Int {
        try await transaction(.system) { connection in
            try await self.one(connection.query("SELECT pg_database_size(current_database())::BIGINT", logger: self.logger), Int.self) ?? 0
        }
    }

    // MARK: Transactions

    /// Runs `body` in one transaction that acts for `acting`; rolls back on any error.
    func transaction<Result: Sendable>(_ acting: Acting, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    try await Self.act(acting, on: connection, logger: logger)
                    let result = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch let error as StateError {
            throw error
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" && error.serverInfo?[.constraintName] == "users_email_key" {
            throw StateError.emailTaken(error.serverInfo?[.detail].flatMap(Self.emailInDetail) ?? "")
        }
    }

    /// Switches who the open transaction acts for (`set_config(…, true)`: until it ends).
    static func act(_ acting: Acting, on connection: PostgresConnection, logger: Logger) async throws {
        let (user, tenant, scope): (String, String, String) = switch acting {
        case .system: ("", "", "system")
        case .user(let id): (id, "", "user")
        case .tenant(let creator): ("", creator, "tenant")
        case .authentication: ("", "", "authentication")
        }
        try await connection.query("""
            SELECT set_config('coachrag.user_id', \(user), true), set_config('coachrag.tenant', \(tenant), true),
                   set_config('coachrag.scope', \(scope), true)
            """, logger: logger)
    }

    /// The first column of the first row, if any.
    func one<Value: PostgresDecodable>(_ rows: PostgresRowSequence, _ type: Value.Type) async throws -> Value? {
        var first: Value?
        for try await row in rows where first == nil { first = try row.makeRandomAccess()[0].decode(Value.self) }
        return first
    }

    /// Rows decoded one by one.
    func all<Value>(_ rows: PostgresRowSequence, _ decode: (PostgresRandomAccessRow) throws -> Value) async throws -> [Value] {
        var values: [Value] = []
        for try await row in rows { values.append(try decode(row.makeRandomAccess())) }
        return values
    }

    /// `Key (email)=(a@x.test) already exists.` → `a@x.test`.
    private static func emailInDetail(_ detail: String) -> String? {
        guard let open = detail.range(of: ")=("), let close = detail.range(of: ")", range: open.upperBound..<detail.endIndex) else { return nil }
        return String(detail[open.upperBound..<close.lowerBound])
    }

    /// A failure as the one-line error an operator reads (server's own words, never the URL's password).
    func stateError(_ error: any Error) -> any Error {
        if error is StateError { return error }
        if let error = error as? PSQLError {
            let reason = error.serverInfo?[.message] ?? (error.underlying.map { "\($0)" } ?? "\(error.code)")
            return StateError.database(description, reason)
        }
        return StateError.database(description, "\(error)")
    }
}
