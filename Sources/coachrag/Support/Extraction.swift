import ArgumentParser
import Documents
import Foundation

/// Options shared by the commands that read documents.
struct ExtractionOptions: ParsableArguments {
    @Option(name: .customLong("pdf-timeout"), help: "Seconds one PDF may take in the isolated parser before it is stopped.")
    var pdfTimeout: Double = 60

    @Option(name: .customLong("jobs"), help: "Files processed at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard pdfTimeout > 0 else { throw ValidationError("--pdf-timeout must be positive") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    /// The extractor the CLI uses: PDFs always in a worker process (this same executable).
    func extractor() -> DocumentExtractor {
        var limits = ExtractionLimits.default
        limits.pdfTimeoutSeconds = pdfTimeout
        return DocumentExtractor(limits: limits, pdfWorker: PDFWorkerCommand(executable: Self.currentExecutable, arguments: [PDFWorkerSubcommand.name]))
    }

    static var currentExecutable: URL {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: resolved)
        }
        return Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    }
}
