/// How sure retrieval is that the material covers a question, 0…1; below a creator's
/// `min_confidence` the server answers that the material does not cover it.
///
/// Two signals, the larger wins:
/// - dense: `0.8 × cal(top) + 0.2 × cal(mean of the top 3)`, with `cal(s) = clamp((s − 0.10) /
///   (0.45 − 0.10), 0, 1)` over the hits' inner products with the query vector (MiniLM cosine
///   similarities; the anchors were read off the demo and development questions: answerable
///   questions score 0.35–0.75 against their chunk, unrelated ones below 0.15);
/// - lexical coverage: the share of the question's own IDF mass that the top hit contains,
///   mapped by `clamp((c − 0.5) / 0.4, 0, 1)`, and counted only when the dense signal is at
///   least 0.2 (a question whose rare words all occur in one chunk is covered even when a
///   small dense model blurs it; a question sharing one stray word is not).
public enum Confidence {
    static let floor: Float = 0.10
    static let ceiling: Float = 0.45

    static func calibrated(_ score: Float) -> Double {
        Double(min(max((score - floor) / (ceiling - floor), 0), 1))
    }

    public static func of(denseScores: [Float], lexicalCoverage: Double?) -> Double {
        var dense = 0.0
        if let top = denseScores.max() {
            let best = denseScores.sorted(by: >).prefix(3)
            let mean = best.reduce(0, +) / Float(best.count)
            dense = 0.8 * calibrated(top) + 0.2 * calibrated(mean)
        }
        var value = dense
        if let coverage = lexicalCoverage, dense >= 0.2 || denseScores.isEmpty {
            value = max(value, min(max((coverage - 0.5) / 0.4, 0), 1))
        }
        return (value * 1000).rounded() / 1000
    }
}
