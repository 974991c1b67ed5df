import ArgumentParser
import CBLAS
import Foundation
import VectorIndex

/// `coachrag-bench ann`: build time, file size, open time, recall@10 and single-thread
/// queries/s per efSearch, and exact-search queries/s — on `.fvecs/.ivecs` files or on
/// generated clustered data. `bench/hnswlib_compare.py` runs hnswlib on the same files.
struct ANNBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ann", abstract: "HNSW index benchmark (recall@10, queries/s, build, open).")

    @Option(help: "Base vectors (.fvecs).") var base: String?
    @Option(help: "Query vectors (.fvecs).") var queries: String?
    @Option(help: "Ground truth, 10+ nearest ids per query (.ivecs); computed exactly when absent.") var groundtruth: String?
    @Option(help: "Generate this many base vectors when no files are given.") var generate: Int = 20_000
    @Option(help: "Dimension of generated data.") var dim: Int = 384
    @Option(help: "Generated queries.") var queryCount: Int = 1000
    @Option(help: "Write the generated data as .fvecs/.ivecs into this folder (for hnswlib_compare.py).") var writeData: String?
    @Option(help: "M.") var m: Int = 16
    @Option(help: "efConstruction.") var efConstruction: Int = 200
    @Option(help: "efSearch values, comma-separated.") var ef: String = "16,32,64,128,256"
    @Option(help: "Threads (searches are single-threaded; kept for interface parity).") var threads: Int = 1
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        var baseVectors: [[Float]], queryVectors: [[Float]]
        if let base, let queries {
            baseVectors = try VectorFiles.readFvecs(base)
            queryVectors = try VectorFiles.readFvecs(queries)
        } else {
            let space = ClusteredVectors(dimension: dim)
            baseVectors = space.sample(count: generate, seed: 1)
            queryVectors = space.sample(count: queryCount, seed: 2)
        }
        baseVectors = baseVectors.map(ClusteredVectors.normalised)
        queryVectors = queryVectors.map(ClusteredVectors.normalised)
        let dimension = baseVectors.first?.count ?? 0

        var configuration = HNSWConfiguration(connectivity: m, expansionAdd: efConstruction)
        configuration.baseConnectivity = 2 * m
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coachrag-ann-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("bench.cidx")

        var clock = ContinuousClock.now
        let builder = try HNSWBuilder(dimension: dimension, configuration: configuration, expectedCount: baseVectors.count)
        for vector in baseVectors { try builder.add(vector) }
        let buildSeconds = (ContinuousClock.now - clock).seconds
        let chunks = (0..<baseVectors.count).map { _ in ChunkRecord(documentIndex: 0, pageStart: 0, pageEnd: 0, start: 0, end: 0, tokenCount: 0, text: "") }
        try IndexWriter.write(builder, contents: IndexContents(embedderDescriptor: [], sourceDigest: [UInt8](repeating: 0, count: 32), createdAt: 0, chunks: chunks, documents: []), to: url)
        let fileBytes = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0

        var openTimes: [Double] = []
        var index = try MappedIndex(url: url)
        for _ in 0..<20 {
            clock = ContinuousClock.now
            index = try MappedIndex(url: url)
            openTimes.append((ContinuousClock.now - clock).seconds * 1000)
        }
        let openMs = openTimes.sorted()[openTimes.count / 2]

        // Ground truth: given, or exact search (timed: that is the exact-search figure).
        clock = ContinuousClock.now
        let exact = try queryVectors.map { try index.exactSearch($0, k: 10).map { Int($0.slot) } }
        let exactQPS = Double(queryVectors.count) / (ContinuousClock.now - clock).seconds
        let truth: [[Int]] = try groundtruth.map { try VectorFiles.readIvecs($0).map { $0.prefix(10).map(Int.init) } } ?? exact

        if let writeData {
            try FileManager.default.createDirectory(atPath: writeData, withIntermediateDirectories: true)
            try VectorFiles.write(baseVectors, to: writeData + "/base.fvecs")
            try VectorFiles.write(queryVectors, to: writeData + "/queries.fvecs")
            try VectorFiles.write(truth.map { $0.map(Int32.init) }, to: writeData + "/groundtruth.ivecs")
        }

        var results: [Result.Row] = []
        for efValue in ef.split(separator: ",").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
            _ = try queryVectors.prefix(100).map { try index.search($0, k: 10, ef: efValue) }  // warm-up
            var best = Double.infinity
            var found = 0
            for repetition in 0..<3 {
                clock = ContinuousClock.now
                var hits = 0
                for (query, expected) in zip(queryVectors, truth) {
                    let result = try index.search(query, k: 10, ef: efValue)
                    if repetition == 0 { hits += Set(result.map { Int($0.slot) }).intersection(expected).count }
                }
                best = min(best, (ContinuousClock.now - clock).seconds)
                if repetition == 0 { found = hits }
            }
            results.append(.init(ef: efValue, recall_at_10: Double(found) / Double(queryVectors.count * 10), qps: Double(queryVectors.count) / best))
        }
        let result = Result(n: baseVectors.count, dim: dimension, m: m, ef_construction: efConstruction, build_seconds: buildSeconds, file_bytes: fileBytes, open_ms: openMs, exact_qps: exactQPS, results: results, distance: DistanceMicrobench.run(dimension: dimension))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print("ann  \(baseVectors.count) × \(dimension), M=\(m), efConstruction=\(efConstruction), 1 thread")
            print(String(format: "  build %.2f s, file %.1f MB, open %.3f ms, exact search %.0f q/s", buildSeconds, Double(fileBytes) / 1e6, openMs, exactQPS))
            for row in results { print(String(format: "  ef %4d   recall@10 %.4f   %8.0f q/s", row.ef, row.recall_at_10, row.qps)) }
            let d = result.distance
            print(String(format: "  one %d-d dot: SIMD %.1f ns, cblas_sdot %.1f ns; 32 neighbours: SIMD loop %.0f ns, gather+sgemv %.0f ns", dimension, d.simd_dot_ns, d.sdot_ns, d.simd_32_neighbours_ns, d.gather_sgemv_32_neighbours_ns))
        }
    }

    struct Result: Encodable {
        struct Row: Encodable { var ef: Int; var recall_at_10: Double; var qps: Double }
        var n: Int, dim: Int, m: Int, ef_construction: Int
        var build_seconds: Double, file_bytes: Int, open_ms: Double, exact_qps: Double
        var results: [Row]
        var distance: DistanceMicrobench.Result
    }
}

/// Single dot products (SIMD vs cblas_sdot) and scoring 32 scattered neighbours (SIMD loop vs
/// gathering them for one sgemv): the measurements behind the choice in VectorIndex.
enum DistanceMicrobench {
    struct Result: Encodable { var simd_dot_ns: Double; var sdot_ns: Double; var simd_32_neighbours_ns: Double; var gather_sgemv_32_neighbours_ns: Double }

    static func run(dimension: Int) -> Result {
        let rows = 4096
        let matrix = ClusteredVectors(dimension: dimension).sample(count: rows, seed: 3).flatMap { $0 }
        let query = ClusteredVectors(dimension: dimension).sample(count: 1, seed: 4)[0]
        let neighbours = (0..<32).map { ($0 * 127) % rows }
        var sink: Float = 0
        let iterations = 200_000
        func time(_ body: () -> Void) -> Double {
            let clock = ContinuousClock.now
            body()
            return (ContinuousClock.now - clock).seconds * 1e9
        }
        return matrix.withUnsafeBufferPointer { m in
            query.withUnsafeBufferPointer { q in
                let mb = m.baseAddress!, qb = q.baseAddress!
                let simd = time { for i in 0..<iterations { sink += simdDot(qb, mb + (i % rows) * dimension, dimension) } } / Double(iterations)
                let sdot = time { for i in 0..<iterations { sink += cblas_sdot(Int32(dimension), qb, 1, mb + (i % rows) * dimension, 1) } } / Double(iterations)
                let loops = iterations / 32
                let simd32 = time { for _ in 0..<loops { for n in neighbours { sink += simdDot(qb, mb + n * dimension, dimension) } } } / Double(loops)
                var gathered = [Float](repeating: 0, count: 32 * dimension), scores = [Float](repeating: 0, count: 32)
                let gather = time {
                    for _ in 0..<loops {
                        gathered.withUnsafeMutableBufferPointer { g in
                            for (row, n) in neighbours.enumerated() { (g.baseAddress! + row * dimension).update(from: mb + n * dimension, count: dimension) }
                            scores.withUnsafeMutableBufferPointer { s in
                                cblas_sgemv(CblasRowMajor, CblasNoTrans, 32, Int32(dimension), 1, g.baseAddress, Int32(dimension), qb, 1, 0, s.baseAddress, 1)
                            }
                        }
                        sink += scores[0]
                    }
                } / Double(loops)
                if sink == .infinity { print(sink) }
                return Result(simd_dot_ns: simd, sdot_ns: sdot, simd_32_neighbours_ns: simd32, gather_sgemv_32_neighbours_ns: gather)
            }
        }
    }

    /// The same kernel as VectorIndex's (SIMD16, two accumulators).
    @inline(__always)
    static func simdDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var i = 0
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 32 <= n {
            s0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            s1 += ra.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self) * rb.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
            i += 32
        }
        var total = (s0 + s1).sum()
        while i < n { total += a[i] * b[i]; i += 1 }
        return total
    }
}
