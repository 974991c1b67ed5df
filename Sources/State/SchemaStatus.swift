/// Which migrations a state database has and which this binary knows (`coachrag db status`).
public struct SchemaStatus: Sendable, Hashable {
    /// The database, without credentials.
    public var database: String
    /// The migrations this binary knows, oldest first.
    public var known: [String]
    /// The migrations the database has applied.
    public var applied: [String]
    /// PostgreSQL: whether row-level security binds the server's role ("enforced", or why not).
    public var rowLevelSecurity: String?

    /// Known, not applied yet: what `db migrate` (and `serve` at start) would apply.
    public var pending: [String] { known.filter { !applied.contains($0) } }
    /// Applied by a newer binary: this one refuses to run on the database.
    public var unknown: [String] { applied.filter { !known.contains($0) } }
}
