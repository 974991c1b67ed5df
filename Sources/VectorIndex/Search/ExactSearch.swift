import CBLAS

/// Brute-force k-NN by inner product: blocks of rows scored with one `cblas_sgemv` each, then a
/// bounded heap keeps the best k. Ground truth for tests and benchmarks, and the search used for
/// small indexes.
enum ExactSearch {
    static let blockRows = 16_384

    static func topK(vectors: UnsafePointer<Float>, count: Int, dimension: Int, query: UnsafePointer<Float>, k: Int) -> [SearchHit] {
        guard count > 0, k > 0 else { return [] }
        var heap = ScoredHeap(kind: .min)
        var scores = [Float](repeating: 0, count: min(blockRows, count))
        var start = 0
        while start < count {
            let rows = min(blockRows, count - start)
            scores.withUnsafeMutableBufferPointer { scores in
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(dimension), 1, vectors + start * dimension, Int32(dimension), query, 1, 0, scores.baseAddress, 1)
                for row in 0..<rows {
                    let score = scores[row]
                    if heap.count < k {
                        heap.push(score, UInt32(start + row))
                    } else if score > heap.topScore {
                        heap.pop()
                        heap.push(score, UInt32(start + row))
                    }
                }
            }
            start += rows
        }
        return heap.sortedDescending().map { SearchHit(slot: $0.slot, score: $0.score) }
    }
}
