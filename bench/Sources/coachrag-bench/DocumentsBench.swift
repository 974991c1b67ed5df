import ArgumentParser
import Chunking
import Documents
import Foundation
import Ingestion
import Tokenization

/// `coachrag-bench documents`: parse + chunk throughput over a corpus, in-process and through
/// the real CLI (PDF worker processes included), with peak memory.
struct DocumentsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents",
        abstract: "Parse + chunk throughput (pages/s, MB/s, tokens/s) and peak memory on a corpus."
    )

    @Option(help: "Corpus directory.")
    var corpus: String = "corpora/demo"

    @Option(help: "Timed repetitions after one warm-up.")
    var repetitions: Int = 5

    @Option(help: "The coachrag binary for the end-to-end figure (default: next to this one).")
    var binary: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let files = try Self.files(in: corpus)
        let bytes = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        let tokenizer = try WordPieceTokenizer.bundled()
        let chunker = try Chunker()
        let extractor = DocumentExtractor()

        var pages = 0, tokens = 0, chunks = 0
        var seconds: [Double] = []
        for repetition in 0...repetitions {
            let clock = ContinuousClock.now
            var p = 0, t = 0, c = 0
            for file in files {
                guard case .success(let document) = await extractor.result(path: file) else { continue }
                let chunked = DocumentChunks(document: document, tokenizer: tokenizer, chunker: chunker)
                p += document.pages.count
                t += chunked.tokenCount
                c += chunked.chunks.count
            }
            if repetition > 0 { seconds.append((ContinuousClock.now - clock).seconds) }
            (pages, tokens, chunks) = (p, t, c)
        }
        let median = seconds.sorted()[seconds.count / 2]
        let cli = try cliSeconds()
        let result = Result(
            files: files.count, pages: pages, megabytes: Double(bytes) / 1_000_000, tokens: tokens, chunks: chunks,
            seconds_median: median, pages_per_second: Double(pages) / median, megabytes_per_second: Double(bytes) / 1_000_000 / median,
            tokens_per_second: Double(tokens) / median, cli_chunk_seconds: cli, peak_rss_megabytes: PeakMemory.megabytes()
        )
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print("""
                corpus            \(corpus): \(files.count) files, \(pages) pages, \(String(format: "%.2f", result.megabytes)) MB, \(tokens) tokens, \(chunks) chunks
                in-process        \(String(format: "%.3f", median)) s median of \(repetitions)  →  \(Int(result.pages_per_second)) pages/s, \(String(format: "%.1f", result.megabytes_per_second)) MB/s, \(Int(result.tokens_per_second)) tokens/s
                CLI end-to-end    \(String(format: "%.3f", cli)) s  (coachrag chunk, PDF worker processes, JSON output)
                peak memory       \(String(format: "%.1f", result.peak_rss_megabytes)) MB (this process)
                """)
        }
    }

    struct Result: Encodable {
        var files: Int, pages: Int, megabytes: Double, tokens: Int, chunks: Int
        var seconds_median: Double, pages_per_second: Double, megabytes_per_second: Double, tokens_per_second: Double
        var cli_chunk_seconds: Double, peak_rss_megabytes: Double
    }

    static func files(in directory: String) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ValidationError("corpus directory \(directory) not found (run from the package root)")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory + "/" + $0 }
    }

    /// Median wall time of `coachrag chunk CORPUS > /dev/null` over three runs.
    private func cliSeconds() throws -> Double {
        let executable = binary ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("coachrag").path
        var times: [Double] = []
        for _ in 0..<3 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["chunk", corpus]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let clock = ContinuousClock.now
            try process.run()
            process.waitUntilExit()
            times.append((ContinuousClock.now - clock).seconds)
        }
        return times.sorted()[1]
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Peak resident memory of this process, from getrusage.
enum PeakMemory {
    static func megabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
