public import Foundation

/// Runs PDF extraction in a child process, so a parser crash, hang or memory blow-up costs one
/// file, not the batch. The child is the same executable started with a hidden worker command
/// (`coachrag _pdf-worker`), which calls `PDFWorker.run`; the parent enforces the time limit by
/// killing it, the child caps its own address space with `setrlimit` before parsing.
public struct PDFWorkerCommand: Sendable, Hashable {
    /// The executable to start (normally the running `coachrag` binary).
    public var executable: URL
    /// Arguments before the worker's own (`["_pdf-worker"]`).
    public var arguments: [String]

    public init(executable: URL, arguments: [String]) {
        self.executable = executable
        self.arguments = arguments
    }
}

enum IsolatedPDFExtractor {
    static func extract(path: String, worker: PDFWorkerCommand, limits: ExtractionLimits) async throws(DocumentError) -> [ExtractedDocument.Page] {
        let outcome: WorkerOutcome
        do {
            outcome = try await runWorker(path: path, worker: worker, limits: limits)
        } catch {
            throw DocumentError(.unreadable, path: path, "could not start the PDF worker \(worker.executable.path): \(error)")
        }
        switch outcome {
        case .timedOut:
            throw DocumentError(.parserTimeout, path: path, "the PDF parser did not finish within \(Int(limits.pdfTimeoutSeconds)) s and was stopped; the file may be malformed")
        case .signalled(let signal):
            throw DocumentError(.parserCrashed, path: path, "the PDF parser crashed (signal \(signal)); the file is malformed or needs more than \(limits.pdfWorkerMemoryBytes >> 20) MiB")
        case .exited(let status, let stdout):
            guard status == 0, let reply = try? JSONDecoder().decode(PDFWorker.Reply.self, from: stdout) else {
                throw DocumentError(.parserCrashed, path: path, "the PDF parser exited with status \(status) without an answer")
            }
            if let error = reply.error {
                throw DocumentError(error.code, path: path, error.message)
            }
            return reply.pages ?? []
        }
    }

    enum WorkerOutcome {
        case exited(Int32, Data)
        case signalled(Int32)
        case timedOut
    }

    private static func runWorker(path: String, worker: PDFWorkerCommand, limits: ExtractionLimits) async throws -> WorkerOutcome {
        let process = Process()
        process.executableURL = worker.executable
        process.arguments = worker.arguments + ["--max-memory-bytes", String(limits.pdfWorkerMemoryBytes), "--", path]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        // A parser crash should end the worker at once: no Swift backtracer in the child.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        try process.run()

        let timedOut = TimeoutFlag()
        let pid = process.processIdentifier
        let killer = DispatchWorkItem {
            timedOut.set()
            kill(pid, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + limits.pdfTimeoutSeconds, execute: killer)

        let output: Data = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = stdout.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: data)
            }
        }
        killer.cancel()
        if timedOut.isSet { return .timedOut }
        if process.terminationReason == .uncaughtSignal { return .signalled(process.terminationStatus) }
        return .exited(process.terminationStatus, output)
    }
}

/// A one-way flag set from the timeout queue and read after the child exits.
private final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
