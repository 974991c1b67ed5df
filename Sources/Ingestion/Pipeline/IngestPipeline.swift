public import Documents
public import Pipelines
public import Embedding
import Chunking
import Foundation
import Retrieval
import Tokenization
public import VectorIndex

/// One ingest job: discover → hash (manifest) → parse + chunk → embed (cached) → build HNSW →
/// publish a new version atomically.
///
/// - Unchanged sources and configuration (same source digest as the live index) publish
///   nothing unless `force`.
/// - A file that cannot be read is reported and skipped; the batch goes on. With
///   `failOnError`, any failed file means nothing is published.
/// - The embedder failing as a whole (unreachable, misconfigured) stops the job before anything
///   is published.
/// - A crash at any point leaves `CURRENT` on the previous version; the cache keeps every batch
///   committed before the crash, so a re-run picks up where this one stopped.
public struct IngestPipeline: Sendable {
    public struct Options: Sendable {
        public var force = false
        public var failOnError = false
        /// nil: no cache (`--no-cache`).
        public var cache: EmbeddingCache?
        /// Files parsed at once.
        public var parallelism = ProcessInfo.processInfo.activeProcessorCount
        /// Texts per embedder call (and per cache transaction).
        public var embedBatch = 64
        public var environment = ProcessInfo.processInfo.environment
        public init() {}
    }

    public let configuration: PipelineConfiguration
    public let store: IndexStore
    public let embedder: any Embedder
    public let extractor: DocumentExtractor
    public let options: Options
    /// Human progress lines (the CLI draws a bar or prints them).
    public let progress: @Sendable (IngestProgress) -> Void

    public init(configuration: PipelineConfiguration, store: IndexStore, embedder: any Embedder, extractor: DocumentExtractor, options: Options = Options(), progress: @escaping @Sendable (IngestProgress) -> Void = { _ in }) {
        self.configuration = configuration
        self.store = store
        self.embedder = embedder
        self.extractor = extractor
        self.options = options
        self.progress = progress
    }

    private var descriptorJSON: [UInt8] { embedder.descriptor.canonicalJSON }

    /// The sources' manifest, the links refused on the way (`SourceDiscovery`), and seconds spent.
    private func manifest() -> (SourceManifest, [DocumentError], Double) {
        let clock = ContinuousClock.now
        let found = SourceDiscovery.files(sources: configuration.sources, include: configuration.include, exclude: configuration.exclude)
        let manifest = SourceManifest(files: found.files, configurationFingerprint: configuration.fingerprint, embedderDescriptor: descriptorJSON)
        return (manifest, found.refused, (ContinuousClock.now - clock).seconds)
    }

    /// For CI: is the live index built from exactly these sources and this configuration?
    public func check() throws(IngestError) -> CheckReport {
        do { try configuration.validate() } catch { throw .configuration(error.message) }
        let (manifest, _, _) = manifest()
        guard let index = try? store.openCurrent(creator: configuration.creator) else {
            return CheckReport(upToDate: false, differences: ["no published index for \(configuration.creator)"])
        }
        if index.header.sourceDigest == manifest.digest { return CheckReport(upToDate: true, differences: []) }
        var differences = manifest.differences(from: (try? index.documents) ?? [])
        if index.header.embedderDescriptor != descriptorJSON {
            differences.append("embedder  \(String(decoding: index.header.embedderDescriptor, as: UTF8.self)) → \(String(decoding: descriptorJSON, as: UTF8.self))")
        }
        if differences.isEmpty { differences.append("configuration changed (chunking or index parameters)") }
        return CheckReport(upToDate: false, differences: differences)
    }

    public func run() async throws(IngestError) -> IngestReport {
        do { try configuration.validate() } catch { throw .configuration(error.message) }
        let creatorDirectory: URL
        do { creatorDirectory = try store.directory(for: configuration.creator) } catch { throw .configuration(error.message) }
        let lock = try IngestLock(directory: creatorDirectory, creator: configuration.creator)
        defer { withExtendedLifetime(lock) {} }

        var report = IngestReport(creator: configuration.creator)
        let (manifest, refused, discoverSeconds) = manifest()
        report.seconds["discover"] = discoverSeconds
        for error in refused {
            report.files.failed.append(.init(path: error.path, code: error.code.rawValue, message: error.message))
            progress(.fileFailed(path: error.path, message: error.message))
        }
        progress(.stage("found \(manifest.entries.count) file(s)"))
        guard !manifest.entries.isEmpty else {
            throw .configuration("no files found in \(configuration.sources.joined(separator: ", "))")
        }
        if !options.force, let live = try? store.openCurrent(creator: configuration.creator), live.header.sourceDigest == manifest.digest {
            report.upToDate = true
            report.files.ok = live.header.documentCount
            progress(.stage("sources unchanged since \(live.url.lastPathComponent): nothing to do (use --force to rebuild)"))
            return report
        }

        // Parse ∥ embed: the next batch of files is parsed while this one is embedded, so the
        // embedder never waits for the parser and at most two batches are in memory.
        let tokenizer: WordPieceTokenizer
        let chunker: Chunker
        do {
            tokenizer = try WordPieceTokenizer.bundled()
            chunker = try Chunker(configuration: configuration.chunking)
        } catch {
            throw .configuration("\(error)")
        }
        let filesPerBatch = max(8, 4 * options.parallelism)
        let batches = stride(from: 0, to: manifest.entries.count, by: filesPerBatch).map {
            Array(manifest.entries[$0..<min($0 + filesPerBatch, manifest.entries.count)])
        }
        var records: [ChunkRecord] = []
        var chunkTerms: [[String: Int]] = []
        let analyzer = LexicalAnalyzer(tokenizer: tokenizer)
        var documents: [DocumentRecord] = []
        var kept: [[Float]] = []
        var keptWindows: [[ChunkWindow]] = []
        var parseSeconds = 0.0, embedSeconds = 0.0
        var parsedFiles = 0
        let pipeline = self
        var pending: Task<(ParseOutcome, Double), Never>? = Task { await pipeline.timedParse(batches[0], tokenizer: tokenizer, chunker: chunker) }
        for index in batches.indices {
            guard let (outcome, seconds) = await pending?.value else { break }
            parseSeconds += seconds
            pending = index + 1 < batches.count ? Task { await pipeline.timedParse(batches[index + 1], tokenizer: tokenizer, chunker: chunker) } : nil
            for failure in outcome.failures {
                report.files.failed.append(failure)
                progress(.fileFailed(path: failure.path, message: failure.message))
            }
            for parsed in outcome.parsed {
                let format = parsed.chunks.document.format
                if let claimed = DocumentFormat(claimedBy: parsed.entry.path), claimed != format {
                    report.files.warnings.append(.init(path: parsed.entry.path, message: "is named .\(claimed.rawValue) but is a \(format.rawValue.uppercased()); read as its content says"))
                }
            }
            parsedFiles += batches[index].count
            progress(.count(stage: "parse", done: parsedFiles, total: manifest.entries.count))

            let clock = ContinuousClock.now
            // Each chunk is embedded window by window (`ChunkWindows`), each window with its
            // document's title in front (`ChunkContext`); the chunk's vector is their weighted mean.
            let contexts = outcome.parsed.map { ChunkContext(path: $0.entry.path, documentText: $0.chunks.document.text) }
            var windowTexts: [String] = [], windowTokens: [Int] = []
            var chunkWindows: [[(range: Range<Int>, tokens: Int)]] = []
            for (document, context) in zip(outcome.parsed, contexts) {
                let titleTokens = tokenizer.tokenize(context.title + "\n").count
                for chunk in document.chunks.chunks {
                    let windows = ChunkWindows.split(chunk.text, titleTokens: titleTokens, tokenizer: tokenizer)
                    let scalars = Array(chunk.text.unicodeScalars)
                    for window in windows {
                        var view = String.UnicodeScalarView()
                        view.append(contentsOf: scalars[window.range])
                        windowTexts.append(context.denseText(String(view)))
                        windowTokens.append(window.tokens + titleTokens)
                    }
                    chunkWindows.append(windows)
                }
            }
            let windowVectors: [EmbeddedText]
            do {
                windowVectors = try await embed(windowTexts, tokenCounts: windowTokens, report: report)
            } catch {
                pending?.cancel()
                throw error
            }
            // Per chunk: its windows and their token-weighted mean.
            var vectors: [EmbeddedText] = []
            var windowsOfChunk: [[ChunkWindow]] = []
            var row = 0
            for windows in chunkWindows {
                let embedded = windowVectors[row..<(row + windows.count)]
                row += windows.count
                // A chunk counts as reused when every one of its windows came from the cache.
                if embedded.allSatisfy(\.cached) { report.embeddings.reused += 1 } else { report.embeddings.computed += 1 }
                if let failure = embedded.first(where: { $0.vector == nil }) {
                    vectors.append(EmbeddedText(vector: nil, error: failure.error))
                    windowsOfChunk.append([])
                    continue
                }
                var mean = [Float](repeating: 0, count: embedder.descriptor.dimension)
                for (window, vector) in zip(windows, embedded) {
                    for i in mean.indices where i < (vector.vector?.count ?? 0) { mean[i] += Float(window.tokens) * (vector.vector?[i] ?? 0) }
                }
                let norm = mean.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                vectors.append(EmbeddedText(vector: norm > 0 ? mean.map { $0 / norm } : mean, error: nil))
                windowsOfChunk.append(zip(windows, embedded).map { ChunkWindow(start: UInt32($0.range.lowerBound), end: UInt32($0.range.upperBound), vector: $1.vector ?? []) })
            }
            embedSeconds += (ContinuousClock.now - clock).seconds

            // Keep documents whose chunks all have vectors; report the others.
            var position = 0
            for (document, context) in zip(outcome.parsed, contexts) {
                let count = document.chunks.chunks.count
                let documentVectors = vectors[position..<(position + count)]
                position += count
                if let failure = documentVectors.first(where: { $0.vector == nil }) {
                    report.files.failed.append(.init(path: document.entry.path, code: "embedding_failed", message: failure.error ?? "the embedder could not embed a chunk"))
                    continue
                }
                let documentIndex = UInt32(documents.count)
                let extracted = document.chunks.document
                let pages = zip(extracted.pageStartOffsets, extracted.pages).map { PageStart(start: UInt32(clamping: $0), number: UInt32(clamping: $1.number ?? 0)) }
                documents.append(DocumentRecord(path: document.entry.path, size: document.entry.size, contentHash: document.entry.hash,
                                                pageCount: UInt32(extracted.pages.count), pages: pages, title: context.title))
                let documentWindows = windowsOfChunk[(position - count)..<position]
                for ((chunk, vector), windows) in zip(zip(document.chunks.chunks, documentVectors), documentWindows) {
                    records.append(ChunkRecord(documentIndex: documentIndex, pageStart: UInt32(chunk.pageStart ?? 0), pageEnd: UInt32(chunk.pageEnd ?? 0),
                                               start: UInt64(chunk.start), end: UInt64(chunk.end), tokenCount: UInt32(chunk.tokenCount), text: chunk.text))
                    kept.append(vector.vector ?? [])
                    chunkTerms.append(context.lexicalTerms(chunk.text, analyzer: analyzer))
                    keptWindows.append(windows)
                }
                report.files.ok += 1
                report.pages += document.chunks.document.pages.count
                report.tokens += document.chunks.tokenCount
            }
        }
        report.seconds["parse"] = parseSeconds
        report.seconds["embed"] = embedSeconds
        report.chunks = records.count
        report.files.failed.sort { $0.path < $1.path }

        if options.failOnError && !report.files.failed.isEmpty {
            progress(.stage("\(report.files.failed.count) file(s) failed and --fail-on-error is set: nothing published"))
            return report
        }
        guard !records.isEmpty else {
            progress(.stage("no file could be ingested: nothing published"))
            return report
        }

        // Build and publish.
        var clock = ContinuousClock.now
        let builder: HNSWBuilder
        do {
            builder = try HNSWBuilder(dimension: embedder.descriptor.dimension, configuration: configuration.index, expectedCount: kept.count)
            for (index, vector) in kept.enumerated() {
                try builder.add(vector)
                if index % 1000 == 999 { progress(.count(stage: "index", done: index + 1, total: kept.count)) }
            }
        } catch {
            throw .index(error.message)
        }
        report.seconds["build"] = (ContinuousClock.now - clock).seconds
        clock = ContinuousClock.now
        let contents = IndexContents(
            embedderDescriptor: descriptorJSON, sourceDigest: manifest.digest,
            createdAt: IndexContents.creationTime(environment: options.environment), chunks: records, documents: documents,
            lexical: LexicalContents(chunkTerms: chunkTerms), windows: keptWindows
        )
        let version: IndexVersion
        do {
            version = try store.stage(creator: configuration.creator) { url throws(IndexFileError) in
                try IndexWriter.write(builder, contents: contents, to: url)
            }
        } catch {
            throw .index(error.message)
        }
        if let gate = configuration.evaluation {
            let outcome = try await evaluate(version, gate: gate, tokenizer: tokenizer)
            report.evaluation = outcome
            guard outcome.passed else {
                store.discard(version)
                progress(.stage("evaluation gate: \(outcome.reason ?? "failed"); nothing published"))
                return report
            }
            progress(.stage(String(format: "evaluation gate passed: recall@5 %.3f", outcome.recallAt5)))
        }
        do {
            try store.promote(version, creator: configuration.creator, retention: configuration.retention)
            report.published = version.name
        } catch {
            throw .index(error.message)
        }
        report.seconds["publish"] = (ContinuousClock.now - clock).seconds
        return report
    }

    // MARK: Stages

    /// Evaluates the staged version (and the live one, for the regression check) on the gate's
    /// question file, with this pipeline's embedder and retrieval settings.
    private func evaluate(_ version: IndexVersion, gate: PipelineConfiguration.EvaluationGate, tokenizer: WordPieceTokenizer) async throws(IngestError) -> IngestReport.GateOutcome {
        let questions: [EvaluationQuestion]
        do { questions = try EvaluationQuestion.load(gate.questions) } catch { throw .configuration("evaluation: \(error.description)") }
        let evaluator = Evaluator(retriever: HybridRetriever(tokenizer: tokenizer), settings: configuration.retrieval)
        let embedder = self.embedder
        let embed: QueryEmbedding = { try await embedder.embed(query: $0) }
        progress(.stage("evaluating \(version.name) on \(questions.count) question(s) from \(gate.questions.path)"))
        let report: EvaluationReport
        do {
            report = try await evaluator.evaluate(questions, index: try MappedIndex(url: version.url), k: 5, embed: embed)
        } catch {
            store.discard(version)
            throw .embedder("evaluation of \(version.name) failed: \(error)")
        }
        // The live version is compared only when it was built with the same embedder.
        var live: Double?
        if let current = try? store.openCurrent(creator: configuration.creator), current.header.embedderDescriptor == descriptorJSON {
            live = (try? await evaluator.evaluate(questions, index: current, k: 5, embed: embed))?.overall.recallAtK
        }
        let recall = report.overall.recallAtK
        var reason: String?
        if recall < gate.minimumRecallAt5 {
            reason = String(format: "recall@5 %.3f is below the minimum %.3f", recall, gate.minimumRecallAt5)
        } else if let live, live - recall > gate.maximumRegression + 1e-9 {
            reason = String(format: "recall@5 %.3f regresses from the live version's %.3f by more than %.3f", recall, live, gate.maximumRegression)
        }
        return .init(passed: reason == nil, reason: reason, recallAt5: recall, liveRecallAt5: live, report: report)
    }

    struct ParsedDocument: Sendable {
        var entry: SourceManifest.Entry
        var chunks: DocumentChunks
    }

    struct ParseOutcome: Sendable {
        var parsed: [ParsedDocument] = []
        var failures: [IngestReport.FailedFile] = []
    }

    func timedParse(_ entries: [SourceManifest.Entry], tokenizer: WordPieceTokenizer, chunker: Chunker) async -> (ParseOutcome, Double) {
        let clock = ContinuousClock.now
        let outcome = await parse(entries, tokenizer: tokenizer, chunker: chunker)
        return (outcome, (ContinuousClock.now - clock).seconds)
    }

    /// Extracts and chunks `entries`, `parallelism` files at a time; results in input order.
    private func parse(_ entries: [SourceManifest.Entry], tokenizer: WordPieceTokenizer, chunker: Chunker) async -> ParseOutcome {
        let extractor = self.extractor
        var results = [Result<DocumentChunks, DocumentError>?](repeating: nil, count: entries.count)
        await withTaskGroup(of: (Int, Result<DocumentChunks, DocumentError>).self) { group in
            var next = 0
            func submit() {
                guard next < entries.count, !Task.isCancelled else { return }
                let index = next, path = entries[index].path
                next += 1
                group.addTask { (index, await extractor.result(path: path).map { DocumentChunks(document: $0, tokenizer: tokenizer, chunker: chunker) }) }
            }
            for _ in 0..<max(1, options.parallelism) { submit() }
            while let (index, result) = await group.next() {
                results[index] = result
                submit()
            }
        }
        var outcome = ParseOutcome()
        for (entry, result) in zip(entries, results) {
            switch result {
            case .success(let chunks)?:
                outcome.parsed.append(ParsedDocument(entry: entry, chunks: chunks))
            case .failure(let error)?:
                outcome.failures.append(.init(path: entry.path, code: error.code.rawValue, message: error.message))
            case nil:
                break
            }
        }
        return outcome
    }

    struct EmbeddedText: Sendable {
        var vector: [Float]?
        var error: String?
        /// Came from the embedding cache.
        var cached = false
    }

    /// Embeds `texts` (cache first); `report` counts only progress here, the caller counts chunks.
    private func embed(_ texts: [String], tokenCounts: [Int], report: IngestReport) async throws(IngestError) -> [EmbeddedText] {
        let descriptor = embedder.descriptor
        let embedderKey = EmbeddingCache.key(descriptor: descriptorJSON)
        let hashes = texts.map { EmbeddingCache.key(text: descriptor.documentPrefix + $0) }
        var results = [EmbeddedText](repeating: EmbeddedText(), count: texts.count)
        if let cache = options.cache {
            for (index, vector) in cache.lookup(embedder: embedderKey, textHashes: hashes, dimension: descriptor.dimension).enumerated() where vector != nil {
                results[index].vector = vector
                results[index].cached = true
            }
        }
        let missing = results.indices.filter { results[$0].vector == nil }
        var done = texts.count - missing.count
        for start in stride(from: 0, to: missing.count, by: options.embedBatch) {
            let batch = Array(missing[start..<min(start + options.embedBatch, missing.count)])
            let outcomes: [Result<[Float], any Error>]
            do {
                outcomes = try await embedder.embedEach(documents: batch.map { texts[$0] }, tokenCounts: batch.map { tokenCounts[$0] })
            } catch {
                throw .embedder("the embedder failed: \(error)")
            }
            var fresh: [(textHash: [UInt8], vector: [Float])] = []
            for (index, outcome) in zip(batch, outcomes) {
                switch outcome {
                case .success(let vector):
                    results[index].vector = vector
                    fresh.append((hashes[index], vector))
                case .failure(let error):
                    results[index].error = "\(error)"
                }
            }
            try options.cache?.store(embedder: embedderKey, entries: fresh, time: Int64(Date.now.timeIntervalSince1970))
            done += batch.count
            progress(.count(stage: "embed", done: report.embeddings.computed + report.embeddings.reused + done, total: 0))
        }
        return results
    }
}

/// Progress events of an ingest run.
public enum IngestProgress: Sendable {
    case stage(String)
    /// `total` is 0 when not known yet (chunks to embed, while files are still being parsed).
    case count(stage: String, done: Int, total: Int)
    case fileFailed(path: String, message: String)
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
