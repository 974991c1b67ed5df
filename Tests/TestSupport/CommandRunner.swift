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

    public struct CommandTimeout: Error, CustomStringConvertible {
        public var arguments: [String]
        public var seconds: TimeInterval
        public var description: String { "\(arguments.joined(separator: " ")) did not finish within \(Int(seconds)) s" }
    }
}
