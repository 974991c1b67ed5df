import ArgumentParser
import CBLAS
import Embedding
import Foundation
import Tokenization

/// `coachrag-bench embed`: the local all-MiniLM-L6-v2 embedder — 16-token query latency
/// (p50/p99), one 256-token input, throughput on 1000-token chunks, and the forward pass's
/// GFLOP/s against the sgemm peak measured in the same run.
struct EmbedBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "embed", abstract: "Local embedder latency, throughput and GFLOP/s vs the sgemm peak.")

    @Option(help: "Queries timed for the latency percentiles.") var queries: Int = 300
    @Option(help: "1000-token chunks per throughput batch.") var chunks: Int = 32
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let tokenizer = try WordPieceTokenizer.bundled()
        let embedder = try LocalEmbedder(tokenizer: tokenizer)
        let peak = Self.sgemmPeak()

        // 16-token queries (14 pieces + [CLS]/[SEP]).
        let words = BenchmarkText.generate(megabytes: 1).split(separator: " ").map(String.init)
        func ids(_ count: Int, offset: Int) -> [Int32] {
            var result: [Int32] = []
            var i = offset
            while result.count < count { result += tokenizer.tokenize(words[i % words.count]).map(\.id); i += 1 }
            return Array(result.prefix(count))
        }
        var latencies: [Double] = []
        for q in 0..<(queries + 20) {
            let input = ids(14, offset: q * 7)
            let clock = ContinuousClock.now
            _ = embedder.embed(ids: [input], policy: .windowAverage)
            if q >= 20 { latencies.append((ContinuousClock.now - clock).seconds * 1000) }
        }
        latencies.sort()
        let p50 = latencies[latencies.count / 2], p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]

        // One 256-token input (254 pieces), the sentence-transformers comparison point.
        var single: [Double] = []
        for r in 0..<12 {
            let input = ids(254, offset: r * 31)
            let clock = ContinuousClock.now
            _ = embedder.embed(ids: [input], policy: .truncate)
            if r >= 2 { single.append((ContinuousClock.now - clock).seconds * 1000) }
        }
        single.sort()

        // Throughput on 1000-token chunks (4 windows each).
        let batch = (0..<chunks).map { ids(1000, offset: $0 * 101) }
        _ = embedder.embed(ids: Array(batch.prefix(2)), policy: .windowAverage)
        var best = Double.infinity
        for _ in 0..<3 {
            let clock = ContinuousClock.now
            _ = embedder.embed(ids: batch, policy: .windowAverage)
            best = min(best, (ContinuousClock.now - clock).seconds)
        }
        let flopsPerChunk = LocalEmbedder.windows(batch[0]).reduce(0.0) { $0 + Self.forwardFLOPs(tokens: $1.count + 2) }
        let gflops = flopsPerChunk * Double(chunks) / best / 1e9

        let result: [String: Double] = [
            "query16_p50_ms": p50, "query16_p99_ms": p99, "input256_median_ms": single[single.count / 2],
            "chunk1000_vectors_per_second": Double(chunks) / best, "chunk1000_tokens_per_second": Double(chunks * 1000) / best,
            "forward_gflops": gflops, "sgemm_peak_gflops": peak, "fraction_of_peak": gflops / peak,
        ]
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "embed  all-MiniLM-L6-v2 (local, BLAS)\n  16-token query   p50 %.2f ms, p99 %.2f ms\n  256-token input  %.1f ms\n  1000-token chunks %.1f vectors/s, %.0f tokens/s\n  forward pass     %.1f GFLOP/s = %.0f%% of the sgemm peak (%.1f GFLOP/s, 1024×768×768, same run)",
                         p50, p99, result["input256_median_ms"]!, result["chunk1000_vectors_per_second"]!, result["chunk1000_tokens_per_second"]!, gflops, gflops / peak * 100, peak))
        }
    }

    /// Multiply-add FLOPs of one sequence through the 6 layers (linear layers and attention).
    static func forwardFLOPs(tokens n: Int) -> Double {
        let h = 384.0, i = 1536.0, t = Double(n)
        let perLayer = 2 * t * h * 3 * h + 2 * t * h * h + 2 * 2 * t * h * i + 2 * 2 * t * t * h
        return 6 * perLayer
    }

    /// Best of five 1024×768×768 sgemms.
    static func sgemmPeak() -> Double {
        let m = 1024, k = 768, n = 768
        let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: k * n)
        var c = [Float](repeating: 0, count: m * n)
        var best = Double.infinity
        for _ in 0..<6 {
            let clock = ContinuousClock.now
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, &c, Int32(n))
            best = min(best, (ContinuousClock.now - clock).seconds)
        }
        return 2 * Double(m * n * k) / best / 1e9
    }
}
