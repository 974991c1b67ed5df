import ArgumentParser
import Foundation
import Tokenization

/// `coachrag-bench tokenizer`: WordPiece throughput on one core (tokens/s, MB/s).
/// `bench/tokenizer_compare.py` runs HuggingFace tokenizers on the same text.
struct TokenizerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "WordPiece tokenizer throughput on one core; compare with bench/tokenizer_compare.py."
    )

    @Option(help: "Text file to tokenize (default: the generated benchmark text, written to bench/data/tokenizer.txt).")
    var file: String?

    @Option(help: "Timed repetitions after one warm-up.")
    var repetitions: Int = 5

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let path = file ?? "bench/data/tokenizer.txt"
        if file == nil && !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: "bench/data", withIntermediateDirectories: true)
            try BenchmarkText.generate(megabytes: 4).write(toFile: path, atomically: true, encoding: .utf8)
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Documents are tokenized one at a time in the pipeline: do the same, paragraph by paragraph.
        let documents = text.components(separatedBy: "\n\n")
        let tokenizer = try WordPieceTokenizer.bundled()
        var times: [Double] = []
        var tokens = 0
        for repetition in 0...repetitions {
            let clock = ContinuousClock.now
            var count = 0
            for document in documents { count += tokenizer.tokenize(document).count }
            if repetition > 0 { times.append((ContinuousClock.now - clock).seconds) }
            tokens = count
        }
        times.sort()
        let median = times[times.count / 2]
        let megabytes = Double(text.utf8.count) / 1_000_000
        let spread = (times.last ?? median) - (times.first ?? median)
        let result: [String: Any] = ["file": path, "megabytes": megabytes, "tokens": tokens, "seconds_median": median, "spread": spread,
                                     "tokens_per_second": Double(tokens) / median, "megabytes_per_second": megabytes / median]
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "tokenizer  %@: %.2f MB, %d tokens; median %.4f s → %.0f tokens/s, %.2f MB/s (1 core)", path, megabytes, tokens, median, Double(tokens) / median, megabytes / median))
        }
    }
}

/// Deterministic English-like coaching prose (with some punctuation, numbers and accents), so
/// every run and every tokenizer sees the same bytes.
enum BenchmarkText {
    static func generate(megabytes: Int) -> String {
        let words = ["sleep", "habits", "running", "protein", "recovery", "hydration", "goal", "coach", "morning", "routine",
                     "consistency", "mindfulness", "breathing", "interval", "tempo", "kilometres", "nutrition", "vegetables",
                     "carbohydrates", "accountability", "journal", "weekly", "review", "strength", "training", "mobility",
                     "the", "a", "of", "and", "to", "in", "is", "for", "with", "your", "you", "on", "at", "that", "it", "café",
                     "naïve", "rest-day", "don't", "8", "10k", "2.5", "e.g.", "(optional)", "—", "Zürich", "inter-national"]
        var state: UInt64 = 42
        var out = ""
        out.reserveCapacity(megabytes * 1_000_000 + 100)
        var sentence = 0
        while out.utf8.count < megabytes * 1_000_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let length = 8 + Int(state >> 60)
            var words_: [String] = []
            for _ in 0..<length {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                words_.append(words[Int(state >> 33) % words.count])
            }
            out += words_.joined(separator: " ").capitalizedFirst + ". "
            sentence += 1
            if sentence % 12 == 0 { out += "\n\n" }
        }
        return out
    }
}

private extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
