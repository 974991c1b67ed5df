public import Foundation
import Subprocess

/// Runs PDF extraction in a child process, so a parser crash, hang or memory blow-up costs one
/// file, not the batch. The child is the same executable started with a hidden worker command
/// (`coachrag _pdf-worker`), which calls `PDFWorker.run`, through swift-subprocess (async, its
/// reply read up to a size limit, the child killed when the time limit passes or the caller is
/// cancelled, waited for without a pid-reuse race); the child caps its own address space with
/// `setrlimit` before parsing.
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
        } catch let error as SubprocessError where error.code == .outputLimitExceeded {
            throw DocumentError(.parserCrashed, path: path, "the PDF parser's answer was larger than \(maxReplyBytes >> 20) MiB")
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

    /// The largest reply a worker may write: the extracted text of the largest accepted file,
    /// JSON-escaped, fits many times over.
    static let maxReplyBytes = 256 << 20

    private static func runWorker(path: String, worker: PDFWorkerCommand, limits: ExtractionLimits) async throws -> WorkerOutcome {
        let arguments = Arguments(worker.arguments + ["--max-memory-bytes", String(limits.pdfWorkerMemoryBytes), "--", path])
        return try await withThrowingTaskGroup(of: WorkerOutcome.self) { group in
            group.addTask {
                // A parser crash should end the worker at once: no Swift backtracer in the child.
                let result = try await run(.path(.init(worker.executable.path)), arguments: arguments,
                                           environment: .inherit.updating(["SWIFT_BACKTRACE": "enable=no"]),
                                           input: .none, output: .bytes(limit: maxReplyBytes), error: .discarded)
                switch result.terminationStatus {
                case .exited(let status): return .exited(status, Data(result.standardOutput))
                case .signaled(let signal): return .signalled(signal)
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(limits.pdfTimeoutSeconds))
                return .timedOut
            }
            // The first to finish decides; cancelling the other kills a worker still running.
            defer { group.cancelAll() }
            guard let outcome = try await group.next() else { return .timedOut }
            return outcome
        }
    }
}
