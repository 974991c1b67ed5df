/// How sure an answer can be, from the retrieval scores alone (cosine similarities of
/// normalised vectors), in [0, 1]:
///
///     calibrated(s) = clamp((s − 0.10) / 0.35, 0, 1)        // 0.10 → 0, 0.45 → 1
///     confidence    = 0.8 · calibrated(top score) + 0.2 · calibrated(mean of the top 3)
///
/// The top score says whether anything matches; the mean of the top three adds a little when
/// the material covers the question from several passages. No passages: 0. The anchors were
/// read off all-MiniLM-L6-v2 on `corpora/demo-questions.json`: the right passage scores
/// 0.25–0.73 for every demo question, unrelated questions ("the capital of France") below 0.10.
/// Answers below the creator's `min_confidence` (default 0.25) say the material does not
/// cover the question.
enum Confidence {
    static let floor: Float = 0.10
    static let ceiling: Float = 0.45

    static func calibrated(_ score: Float) -> Double {
        Double(min(max((score - floor) / (ceiling - floor), 0), 1))
    }

    static func of(scores: [Float]) -> Double {
        guard let top = scores.max() else { return 0 }
        let best = scores.sorted(by: >).prefix(3)
        let mean = best.reduce(0, +) / Float(best.count)
        let value = 0.8 * calibrated(top) + 0.2 * calibrated(mean)
        return (value * 1000).rounded() / 1000
    }
}
