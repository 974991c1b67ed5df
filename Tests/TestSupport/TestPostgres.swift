public import Foundation

/// A throw-away PostgreSQL cluster on loopback for this test process: made with `initdb` in a
/// temporary folder and started on a free port the first time a test asks for a database, and
/// stopped when the process exits. Each test gets a database of its own, owned by the role
/// `coachrag`, which (unlike the cluster's superuser `postgres`) is bound by row-level security.
/// When the server binaries are missing or the cluster cannot start, `database()` throws what
/// failed: a PostgreSQL test fails loudly, it is never skipped.
public actor TestPostgres {
    public static let shared = TestPostgres()

    /// The connection details of the running cluster.
    public struct Cluster: Sendable {
        public var port: Int
        public var folder: URL
        public var binaries: URL
        /// The superuser's URL of a database (for the tests that inspect what a role may see).
        public func superuserURL(_ database: String) -> String { "postgres://postgres@127.0.0.1:\(port)/\(database)?sslmode=disable" }
        public func url(_ database: String) -> String { "postgres://coachrag:coachrag@127.0.0.1:\(port)/\(database)?sslmode=disable" }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private var starting: Task<Cluster, any Error>?
    private var databases = 0

    /// A new empty database; returns its URL for the `coachrag` role.
    public func database() async throws -> String {
        let cluster = try await running()
        databases += 1
        let name = "test_\(ProcessInfo.processInfo.processIdentifier)_\(databases)"
        try await psql(cluster, "CREATE DATABASE \(name) OWNER coachrag")
        return cluster.url(name)
    }

    /// The cluster, started on first use.
    public func running() async throws -> Cluster {
        if let starting { return try await starting.value }
        let task = Task { try await Self.start() }
        starting = task
        return try await task.value
    }

    /// Runs SQL as `role` (default: the superuser) in `database` (default `postgres`); returns
    /// psql's unaligned output.
    /// (On a thread of its own: a test's server needs the cooperative pool meanwhile.)
    @discardableResult
    public nonisolated func psql(_ cluster: Cluster, _ sql: String, database: String = "postgres", role: String = "postgres") async throws -> String {
        let outcome = try await CommandRunner.runOffPool(["-h", "127.0.0.1", "-p", "\(cluster.port)", "-U", role, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
                                            executable: cluster.binaries.appendingPathComponent("psql"))
        guard outcome.status == 0 else { throw Failure(description: "psql \(sql): \(outcome.stderr)") }
        return outcome.stdout
    }

    /// Starts the cluster on a thread of its own (initdb and pg_ctl block for seconds).
    private static func start() async throws -> Cluster {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try startBlocking() }) }
        }
    }

    private static func startBlocking() throws -> Cluster {
        guard let binaries = serverBinaries() else {
            throw Failure(description: "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (scripts/setup.sh installs postgresql-15)")
        }
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("coachrag-pg-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
        let asRoot = getuid() == 0
        func run(_ tool: String, _ arguments: [String]) throws {
            let executable = binaries.appendingPathComponent(tool).path
            let output = folder.appendingPathComponent("\(tool).out").path
            let argv = asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments : [executable] + arguments
            let status = try CommandRunner.runLeavingDaemons(argv, output: output)
            guard status == 0 else {
                throw Failure(description: "\(tool) failed (\(status)): \((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
            }
        }
        if asRoot {
            let chown = try CommandRunner.run(["postgres", folder.path], executable: URL(fileURLWithPath: "/bin/chown"))
            guard chown.status == 0 else { throw Failure(description: "chown postgres \(folder.path): \(chown.stderr)") }
        }
        let data = folder.appendingPathComponent("data").path, log = folder.appendingPathComponent("log").path
        try run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"])
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try freePort()
            do {
                try run("pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "start", "-o",
                                   "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300"])
                let cluster = Cluster(port: port, folder: folder, binaries: binaries)
                StopAtExit.register(pgCtl: binaries.appendingPathComponent("pg_ctl").path, data: data, folder: folder.path, asRoot: asRoot)
                let role = try CommandRunner.run(["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", "postgres", "-c", "CREATE ROLE coachrag LOGIN PASSWORD 'coachrag'"],
                                                 executable: binaries.appendingPathComponent("psql"))
                guard role.status == 0 else { throw Failure(description: "CREATE ROLE coachrag: \(role.stderr)") }
                return cluster
            } catch {
                lastError = error  // the port was taken meanwhile: another one
                _ = try? run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
            }
        }
        throw lastError ?? Failure(description: "PostgreSQL did not start")
    }

    private static func serverBinaries() -> URL? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        return versions.map { URL(fileURLWithPath: "\(root)/\($0)/bin") }.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("initdb").path) }
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw Failure(description: "bind: \(errno)") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Stops the cluster (immediately: it is thrown away) and removes its folder when the test
/// process exits.
private enum StopAtExit {
    nonisolated(unsafe) static var command: (pgCtl: String, data: String, folder: String, asRoot: Bool)?

    static func register(pgCtl: String, data: String, folder: String, asRoot: Bool) {
        command = (pgCtl, data, folder, asRoot)
        atexit {
            guard let command = StopAtExit.command else { return }
            let arguments = ["-D", command.data, "-m", "immediate", "-w", "stop"]
            _ = try? CommandRunner.run(command.asRoot ? ["-u", "postgres", "--", command.pgCtl] + arguments : arguments,
                                       executable: URL(fileURLWithPath: command.asRoot ? "/usr/sbin/runuser" : command.pgCtl), timeout: 30)
            try? FileManager.default.removeItem(atPath: command.folder)
        }
    }
}
