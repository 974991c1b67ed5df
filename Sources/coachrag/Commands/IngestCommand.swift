import ArgumentParser
import Documents
import Embedding
import Foundation
import Ingestion
import Pipelines
import VectorIndex

/// `coachrag ingest`: documents → chunks → embeddings → a new index version, published atomically.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Build and publish a new index version for a creator.",
        discussion: """
            Either name the creator and the sources on the command line:
              coachrag ingest --creator demo corpora/demo
            or run pipeline files (pipelines/NAME.yml; see pipelines/demo.yml), several creators \
            at once with --jobs:
              coachrag ingest --pipeline pipelines/demo.yml
              coachrag ingest --pipeline pipelines/*.yml --jobs 2
            Sources are files, directories (walked recursively) and glob patterns. Unchanged \
            sources and configuration publish nothing (--force rebuilds). Embeddings are cached \
            in SQLite by embedder and exact text, so re-ingesting computes only what changed.
            --json prints {"creator", "published", "up_to_date", "files": {"ok", "failed": [{"path", "code", \
            "message"}]}, "pages", "chunks", "tokens", "embeddings": {"computed", "reused"}, "seconds": {stage: s}}.
            Exit status: 0 every file ingested (or nothing to do); 1 some files failed but a version \
            was published (with --fail-on-error: nothing published), or --check found the index out \
            of date; 2 usage or configuration error, or another ingest of the creator is running; \
            3 the embedder is unreachable or misconfigured (nothing published).
            """
    )

    @Option(help: "Creator id (when not using --pipeline).")
    var creator: String?

    @Option(parsing: .upToNextOption, help: "Pipeline file(s) to run (--pipeline pipelines/*.yml); each creator is locked on its own.")
    var pipeline: [String] = []

    @Option(help: "Pipelines run at once (1); each job is one creator's whole ingest.")
    var jobs = 1

    @Option(help: "Root folder of the indexes (default: ./indexes, or $COACHRAG_INDEXES).")
    var indexes: String = ProcessInfo.processInfo.environment["COACHRAG_INDEXES"] ?? "indexes"

    @OptionGroup var embedderOptions: EmbedderOptions

    @Option(help: "Largest chunk, in tokens (overrides the pipeline file).")
    var maxTokens: Int?

    @Option(help: "Tokens shared by neighbouring chunks (overrides the pipeline file).")
    var overlap: Int?

    @Flag(help: "Rebuild even when nothing changed.")
    var force = false

    @Flag(help: "Publish nothing if any file fails.")
    var failOnError = false

    @Flag(help: "Only check whether the live index is up to date (exit 0) or needs a rebuild (exit 1).")
    var check = false

    @Flag(help: "Do not read or write the embedding cache.")
    var noCache = false

    @Option(help: "Embedding cache file (default: <indexes>/.cache/embeddings.sqlite).")
    var cache: String?

    @Option(help: "Largest cache size in MB; the oldest entries go first.")
    var cacheMaxMb: Int = 2048

    @Option(help: "Seconds one PDF may take in the isolated parser.")
    var pdfTimeout: Double = 60

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    @Argument(help: "Files, directories or globs to ingest (with --creator).")
    var paths: [String] = []

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if pipeline.isEmpty {
            guard creator != nil else { throw ValidationError("give --creator and paths, or --pipeline FILE") }
            guard !paths.isEmpty else { throw ValidationError("give the files or directories to ingest") }
        } else if creator != nil || !paths.isEmpty {
            throw ValidationError("--pipeline takes the creator and sources from the file; do not also give --creator or paths")
        }
    }

    func run() async throws {
        var configurations: [PipelineConfiguration] = []
        do {
            if pipeline.isEmpty, let creator {
                var configuration = PipelineConfiguration(creator: creator, sources: paths)
                configuration.embedder.provider = embedderOptions.embedder == .ollama ? .ollama : .local
                configuration.embedder.model = embedderOptions.model
                configuration.embedder.host = embedderOptions.ollamaHost
                configuration.embedder.batchSize = embedderOptions.batchSize
                configuration.embedder.concurrency = embedderOptions.concurrency
                configurations.append(configuration)
            } else {
                for file in pipeline { configurations.append(try PipelineFile.load(URL(fileURLWithPath: file))) }
            }
            for index in configurations.indices {
                if let maxTokens { configurations[index].chunking.maxTokens = maxTokens }
                if let overlap { configurations[index].chunking.overlap = overlap }
                try configurations[index].validate()
            }
        } catch {
            Output.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }

        // Creators are independent: up to `jobs` at once, the worst exit status wins. Each job's
        // model gets its share of the cores: with OpenBLAS's default of every core per product,
        // two jobs on two cores were slower than one (README, "Ingest at scale").
        if jobs > 1 { BLASThreads.set(max(1, ProcessInfo.processInfo.activeProcessorCount / min(jobs, configurations.count))) }
        let worst = try await withThrowingTaskGroup(of: Int32.self) { group in
            var worst = ExitStatus.success
            for (index, configuration) in configurations.enumerated() {
                if index >= jobs, let finished = try await group.next() { worst = max(worst, finished) }
                group.addTask { try await run(configuration, showProgress: jobs == 1) }
            }
            for try await finished in group { worst = max(worst, finished) }
            return worst
        }
        if worst != ExitStatus.success { throw ExitCode(worst) }
    }

    /// One creator's ingest; its progress line only when it runs alone (jobs would interleave).
    private func run(_ configuration: PipelineConfiguration, showProgress: Bool) async throws -> Int32 {
        var embedderOptions = EmbedderOptions()
        embedderOptions.embedder = configuration.embedder.provider == .ollama ? .ollama : .local
        embedderOptions.model = configuration.embedder.model
        embedderOptions.ollamaHost = configuration.embedder.host ?? self.embedderOptions.ollamaHost
        embedderOptions.batchSize = configuration.embedder.batchSize
        embedderOptions.concurrency = configuration.embedder.concurrency
        let embedder = try await embedderOptions.make()

        var options = IngestPipeline.Options()
        options.force = force
        options.failOnError = failOnError
        if !noCache {
            do {
                let path = cache ?? (indexes + "/.cache/embeddings.sqlite")
                options.cache = try EmbeddingCache(url: URL(fileURLWithPath: path), maxBytes: cacheMaxMb << 20)
            } catch {
                Output.error(error.description)
                return ExitStatus.someInputFailed
            }
        }
        var extraction = ExtractionOptions()
        extraction.pdfTimeout = pdfTimeout
        let reporter = ProgressReporter(enabled: !json && showProgress)
        let pipeline = IngestPipeline(
            configuration: configuration, store: IndexStore(root: URL(fileURLWithPath: indexes)),
            embedder: embedder, extractor: extraction.extractor(), options: options,
            progress: { reporter.report($0) }
        )

        if check {
            do {
                let result = try pipeline.check()
                if result.upToDate {
                    Output.standardOutput("\(configuration.creator): up to date")
                    return ExitStatus.success
                }
                Output.standardOutput("\(configuration.creator): rebuild needed\n" + result.differences.map { "  " + $0 }.joined(separator: "\n"))
                return ExitStatus.someInputFailed
            } catch {
                Output.error(error.description)
                return ExitStatus.usage
            }
        }

        let report: IngestReport
        do {
            report = try await pipeline.run()
        } catch {
            reporter.finish()
            Output.error(error.description)
            switch error {
            case .embedder: return ExitStatus.embedderUnavailable
            case .configuration, .locked: return ExitStatus.usage
            case .cache, .index: return ExitStatus.someInputFailed
            }
        }
        reporter.finish()
        if json {
            Output.jsonLine(report)
        } else {
            Output.standardOutput(Self.summary(report))
        }
        if report.evaluation?.passed == false { return ExitStatus.evaluationGate }
        if !report.files.failed.isEmpty { return ExitStatus.someInputFailed }
        return ExitStatus.success
    }

    static func summary(_ report: IngestReport) -> String {
        var lines: [String] = []
        if report.upToDate {
            lines.append("\(report.creator): up to date, nothing published")
            return lines.joined(separator: "\n")
        }
        lines.append("\(report.creator): \(report.files.ok) file(s) ingested, \(report.files.failed.count) failed")
        for failure in report.files.failed { lines.append("  failed  \(failure.path): \(failure.message) [\(failure.code)]") }
        for warning in report.files.warnings { lines.append("  warning \(warning.path): \(warning.message)") }
        lines.append("  \(report.pages) pages, \(report.chunks) chunks, \(report.tokens) tokens; embeddings: \(report.embeddings.computed) computed, \(report.embeddings.reused) reused")
        let order = ["discover", "parse", "embed", "build", "publish"]
        lines.append("  time: " + order.compactMap { stage in report.seconds[stage].map { "\(stage) \(String(format: "%.2f", $0)) s" } }.joined(separator: ", "))
        if let gate = report.evaluation {
            let live = gate.liveRecallAt5.map { String(format: " (live version %.3f)", $0) } ?? ""
            lines.append(String(format: "  evaluation: recall@5 %.3f%@, MRR@10 %.3f, page accuracy %@: %@", gate.recallAt5, live, gate.report.overall.mrrAt10,
                                gate.report.overall.pageAccuracy.map { String(format: "%.3f", $0) } ?? "n/a", gate.passed ? "passed" : "REFUSED: " + (gate.reason ?? "")))
            for miss in gate.report.misses.prefix(20) {
                lines.append("    miss  \(miss.id): \(miss.question) — expected \(miss.expected), rank \(miss.rank.map(String.init) ?? ">10"), top \(miss.top ?? "none")")
            }
        }
        lines.append("  published: \(report.published ?? "nothing")")
        return lines.joined(separator: "\n")
    }
}

/// Progress on stderr: a rewriting line on a terminal, stage lines otherwise.
final class ProgressReporter: @unchecked Sendable {
    private let enabled: Bool
    private let terminal = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var lastLength = 0
    private let started = ContinuousClock.now
    private var parsed = (0, 0)
    private var embedded = 0

    init(enabled: Bool) { self.enabled = enabled }

    func report(_ event: IngestProgress) {
        guard enabled else { return }
        lock.withLock {
            switch event {
            case .stage(let text):
                clear()
                Output.standardError(text)
            case .fileFailed(let path, let message):
                clear()
                Output.error("\(path): \(message)")
            case .count(let stage, let done, let total):
                if stage == "parse" { parsed = (done, total) }
                if stage == "embed" { embedded = done }
                guard terminal else { return }  // plain output: stage lines and the summary only
                let elapsed = Double((ContinuousClock.now - started).components.seconds)
                let (files, allFiles) = parsed
                let eta = files > 0 && files < allFiles ? String(format: " ETA %.0f s", elapsed / Double(files) * Double(allFiles - files)) : ""
                let width = 24, filled = allFiles > 0 ? width * files / allFiles : 0
                let line = "[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] files \(files)/\(allFiles), chunks embedded \(embedded)\(stage == "index" ? ", indexing \(done)/\(total)" : "")\(eta)"
                FileHandle.standardError.write(Data(("\r" + line).utf8))
                lastLength = line.count
            }
        }
    }

    func finish() { lock.withLock { clear() } }

    private func clear() {
        guard terminal, lastLength > 0 else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: lastLength) + "\r").utf8))
        lastLength = 0
    }
}
