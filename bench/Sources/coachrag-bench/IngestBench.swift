import ArgumentParser
import Foundation
import TestSupport

/// `coachrag-bench ingest`: the real `coachrag ingest` (release binary) on a generated corpus of
/// PDFs (default 100 × 20 = 2,000 pages): wall time per stage, chunks/s, peak memory, then the
/// re-ingest of the unchanged corpus.
struct IngestBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "End-to-end ingest of a generated ≥ 2,000-page corpus, and its unchanged re-ingest.")

    @Option(help: "PDF files to generate.") var files: Int = 100
    @Option(help: "Pages per PDF.") var pages: Int = 20
    @Option(help: "The coachrag binary (default: next to this one).") var binary: String?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let corpus = "bench/data/ingest-\(files)x\(pages)"
        if !FileManager.default.fileExists(atPath: corpus) {
            try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
            let words = BenchmarkText.generate(megabytes: 2).split(separator: " ").map(String.init)
            var cursor = 0
            for file in 0..<files {
                var document: [[String]] = []
                for page in 0..<pages {
                    var lines = ["Coaching Library - volume \(file + 1)"]
                    for _ in 0..<14 {
                        lines.append(words[cursor..<(cursor + 9)].joined(separator: " ").replacingOccurrences(of: "—", with: "-").replacingOccurrences(of: "é", with: "e").replacingOccurrences(of: "ï", with: "i").replacingOccurrences(of: "ü", with: "u"))
                        cursor = (cursor + 9) % (words.count - 10)
                    }
                    lines.append("Page \(page + 1)")
                    document.append(lines)
                }
                try MinimalPDF.make(pages: document).write(to: URL(fileURLWithPath: "\(corpus)/volume-\(file + 1).pdf"))
            }
        }
        let executable = binary ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("coachrag").path
        let indexes = FileManager.default.temporaryDirectory.appendingPathComponent("coachrag-ingest-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: indexes) }
        let first = try runIngest(executable, corpus: corpus, indexes: indexes)
        let second = try runIngest(executable, corpus: corpus, indexes: indexes)
        let chunks = (first.report["chunks"] as? Int) ?? 0
        let tokens = (first.report["tokens"] as? Int) ?? 0
        let seconds = first.report["seconds"] as? [String: Double] ?? [:]
        let result: [String: Any] = [
            "pages": first.report["pages"] ?? 0, "chunks": chunks, "tokens": tokens, "wall_seconds": first.wall,
            "seconds": seconds, "chunks_per_second": Double(chunks) / first.wall,
            // Chunks are ≤ 1000 tokens with 200 of overlap: compare with `coachrag-bench embed`'s
            // 1000-token-chunk vectors/s (the embedder alone) to see what the pipeline adds.
            "embed_chunks_per_second": Double(chunks) / max(seconds["embed"] ?? 1, 1e-9),
            "peak_rss_megabytes": first.peakMegabytes, "reingest_wall_seconds": second.wall, "reingest_up_to_date": second.report["up_to_date"] ?? false,
            "reingest_peak_rss_megabytes": second.peakMegabytes,
        ]
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("ingest  \(corpus): \(result["pages"]!) pages, \(chunks) chunks, \(tokens) tokens (local embedder)")
            print(String(format: "  first run  %.1f s wall, %.2f chunks/s overall, embed stage %.2f chunks/s, peak RSS %.0f MB", first.wall, Double(chunks) / first.wall, result["embed_chunks_per_second"] as? Double ?? 0, first.peakMegabytes))
            print("  stages     " + ["discover", "parse", "embed", "build", "publish"].compactMap { s in seconds[s].map { "\(s) \(String(format: "%.2f", $0)) s" } }.joined(separator: ", "))
            print(String(format: "  re-ingest  %.2f s wall (unchanged: nothing published), peak RSS %.0f MB", second.wall, second.peakMegabytes))
        }
    }

    private func runIngest(_ executable: String, corpus: String, indexes: String) throws -> (report: [String: Any], wall: Double, peakMegabytes: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["ingest", "--creator", "bench", "--indexes", indexes, "--json", corpus]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let clock = ContinuousClock.now
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let wall = (ContinuousClock.now - clock).seconds
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)  // the largest child so far (the ingest, not its PDF workers, dominates)
        let report = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (report, wall, Double(usage.ru_maxrss) / 1024)
    }
}
