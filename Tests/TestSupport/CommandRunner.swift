public import Foundation

/// Runs the built `coachrag` binary the way a user or a CI script would.
public enum CommandRunner {
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// stdout split into lines, each decoded as a JSON object.
        public var jsonLines: [[String: Any]] {
            stdout.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }
        }
    }

    /// The `coachrag` executable built next to the test bundle (or `COACHRAG_BINARY`).
    public static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["COACHRAG_BINARY"] { return URL(fileURLWithPath: override) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the test runner is `<build>/debug/<Package>PackageTests.xctest`.
        if directory.lastPathComponent.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        let candidate = directory.appendingPathComponent("coachrag")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return TestPaths.packageRoot.appendingPathComponent(".build/debug/coachrag")
    }

    /// Runs `executable` (default: the `coachrag` binary) and waits for it, blocking the thread.
    public static func run(_ arguments: [String], executable: URL? = nil, environment: [String: String] = [:], currentDirectory: URL? = nil,
                           timeout: TimeInterval = 120) throws -> Outcome {
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        DispatchQueue.global().async(group: group) { out = stdout.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { err = stderr.fileHandleForReading.readDataToEndOfFile() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw CommandTimeout(arguments: arguments, seconds: timeout)
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// `run` on a thread of its own, for a test whose in-process server needs the cooperative
    /// pool while the command talks to it.
    public static func runOffPool(_ arguments: [String], executable: URL? = nil, environment: [String: String] = [:],
                                  timeout: TimeInterval = 120) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(arguments, executable: executable, environment: environment, timeout: timeout) })
            }
        }
    }

    /// Runs `argv` (a path, then its arguments) with standard input from /dev/null and standard
    /// output and error appended to the file `output`, and waits for its exit status: for
    /// commands that leave a server running (pg_ctl, a script starting replicas), which
    /// Foundation's Process would wait for, as they keep the descriptors it gave the command.
    public static func runLeavingDaemons(_ argv: [String], output: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw CommandFailure(description: "cannot start \(argv[0]): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS
        return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
    }

    public struct CommandFailure: Error, CustomStringConvertible {
        public var description: String
    }

    public struct CommandTimeout: Error, CustomStringConvertible {
        public var arguments: [String]
        public var seconds: TimeInterval
        public var description: String { "\(arguments.joined(separator: " ")) did not finish within \(Int(seconds)) s" }
    }
}
