import Documents
import Foundation
import Testing
import TestSupport

/// The isolated PDF worker's lifetime: a worker that never answers is killed when the time
/// limit passes, and when the caller is cancelled; neither leaves a process behind. The worker
/// here is a shell that only sleeps (its own marker in its arguments), not a real parser.
@Suite("PDF worker lifetime") struct PDFWorkerLifetimeTests {
    /// A worker that sleeps for `marker` seconds, a number no other process uses.
    static func sleeper(_ marker: String) -> PDFWorkerCommand {
        PDFWorkerCommand(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "exec sleep \(marker)", "worker"])
    }

    static func running(_ marker: String) throws -> Bool {
        try CommandRunner.run(["-f", "sleep \(marker)"], executable: URL(fileURLWithPath: "/usr/bin/pgrep")).status == 0
    }

    static func pdf() throws -> String {
        let url = TemporaryDirectory.make("pdf-worker").appendingPathComponent("a.pdf")
        try MinimalPDF.make(pages: [["Text."]]).write(to: url)
        return url.path
    }

    @Test func aWorkerPastItsTimeLimitIsKilled() async throws {
        let marker = "601.\(Int.random(in: 1000...9999))"
        var limits = ExtractionLimits()
        limits.pdfTimeoutSeconds = 1
        let extractor = DocumentExtractor(limits: limits, pdfWorker: Self.sleeper(marker))
        let path = try Self.pdf()
        do throws(DocumentError) {
            _ = try await extractor.extract(path: path)
            Issue.record("a worker that never answers gave a document")
        } catch {
            #expect(error.code == .parserTimeout, "\(error)")
        }
        #expect(try !Self.running(marker))
    }

    @Test func cancellingTheCallerKillsTheWorker() async throws {
        let marker = "902.\(Int.random(in: 1000...9999))"
        var limits = ExtractionLimits()
        limits.pdfTimeoutSeconds = 600
        let extractor = DocumentExtractor(limits: limits, pdfWorker: Self.sleeper(marker))
        let path = try Self.pdf()
        let extraction = Task { try await extractor.extract(path: path) }
        var started = false
        for _ in 0..<100 where !started {
            try await Task.sleep(for: .milliseconds(50))
            started = try Self.running(marker)
        }
        #expect(started, "the worker never started")
        let cancelled = ContinuousClock.now
        extraction.cancel()
        _ = await extraction.result
        // Not a speed check: without cancellation it would wait out the 600 s time limit (the
        // bound is loose because a loaded CI machine is slow to schedule anything).
        #expect(ContinuousClock.now - cancelled < .seconds(180), "the cancelled extraction waited for the time limit")
        #expect(try !Self.running(marker), "the worker outlived its cancelled caller")
    }
}
