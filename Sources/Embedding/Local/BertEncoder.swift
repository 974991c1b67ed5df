import CBLAS
import CKernels
import Foundation

/// The BERT forward pass of all-MiniLM-L6-v2 on BLAS, for a batch of token-id sequences.
///
/// Sequences are packed, not padded: every linear layer runs once over all tokens of the batch
/// (one `sgemm` per projection), and attention runs per sequence over its true length, so no
/// FLOP is spent on padding and no mask is needed. Output: the mean of each sequence's last
/// hidden states over all its tokens ([CLS] and [SEP] included), not yet normalised.
struct BertEncoder: Sendable {
    typealias W = MiniLMWeights
    let weights: MiniLMWeights

    func meanPooled(_ sequences: [[Int32]]) -> [[Float]] {
        let h = W.hidden, i = W.intermediate
        let lengths = sequences.map(\.count)
        let total = lengths.reduce(0, +)
        guard total > 0 else { return sequences.map { _ in [Float](repeating: 0, count: h) } }
        var offsets: [Int] = []
        var running = 0
        for length in lengths { offsets.append(running); running += length }

        var x = [Float](repeating: 0, count: total * h)
        var qkv = [Float](repeating: 0, count: total * 3 * h)
        var context = [Float](repeating: 0, count: total * h)
        var projected = [Float](repeating: 0, count: total * h)
        var inner = [Float](repeating: 0, count: total * i)
        let longest = lengths.max() ?? 0
        var scores = [Float](repeating: 0, count: longest * longest)

        embed(sequences, into: &x)
        for layer in weights.layers {
            linear(x, rows: total, inputs: h, weight: layer.qkvWeight, bias: layer.qkvBias, outputs: 3 * h, into: &qkv)
            attention(qkv: qkv, lengths: lengths, offsets: offsets, scores: &scores, into: &context)
            linear(context, rows: total, inputs: h, weight: layer.outputWeight, bias: layer.outputBias, outputs: h, into: &projected)
            addAndNormalise(&x, projected, weight: layer.attentionNormWeight, bias: layer.attentionNormBias, rows: total)
            linear(x, rows: total, inputs: h, weight: layer.intermediateWeight, bias: layer.intermediateBias, outputs: i, into: &inner)
            gelu(&inner)
            linear(inner, rows: total, inputs: i, weight: layer.feedForwardWeight, bias: layer.feedForwardBias, outputs: h, into: &projected)
            addAndNormalise(&x, projected, weight: layer.outputNormWeight, bias: layer.outputNormBias, rows: total)
        }

        return zip(offsets, lengths).map { offset, length in
            var mean = [Float](repeating: 0, count: h)
            x.withUnsafeBufferPointer { x in
                for row in offset..<(offset + length) {
                    for column in 0..<h { mean[column] += x[row * h + column] }
                }
            }
            let scale = 1 / Float(max(length, 1))
            return mean.map { $0 * scale }
        }
    }

    // MARK: Layers

    private func embed(_ sequences: [[Int32]], into x: inout [Float]) {
        let h = W.hidden
        x.withUnsafeMutableBufferPointer { x in
            weights.wordEmbeddings.withUnsafeBufferPointer { words in
                weights.positionEmbeddings.withUnsafeBufferPointer { positions in
                    var row = 0
                    for sequence in sequences {
                        for (position, id) in sequence.enumerated() {
                            let word = Int(id) < W.vocabulary && id >= 0 ? Int(id) : Int(100)
                            let p = min(position, W.positions - 1)
                            for column in 0..<h {
                                x[row * h + column] = words[word * h + column] + positions[p * h + column] + weights.tokenTypeEmbedding[column]
                            }
                            row += 1
                        }
                    }
                }
            }
        }
        layerNorm(&x, weight: weights.embeddingNormWeight, bias: weights.embeddingNormBias, rows: sequences.reduce(0) { $0 + $1.count })
    }

    /// out[rows × outputs] = input[rows × inputs] · weightᵀ + bias (weight stored [outputs, inputs]).
    private func linear(_ input: [Float], rows: Int, inputs: Int, weight: [Float], bias: [Float], outputs: Int, into out: inout [Float]) {
        out.withUnsafeMutableBufferPointer { out in
            guard let outBase = out.baseAddress else { return }
            for row in 0..<rows {
                (outBase + row * outputs).update(from: bias, count: outputs)
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs),
                        1, input, Int32(inputs), weight, Int32(inputs), 1, outBase, Int32(outputs))
        }
    }

    private func attention(qkv: [Float], lengths: [Int], offsets: [Int], scores: inout [Float], into context: inout [Float]) {
        let h = W.hidden, d = W.headSize, stride = 3 * h
        let scale = 1 / Float(d).squareRoot()
        qkv.withUnsafeBufferPointer { qkv in
            guard let qkvBase = qkv.baseAddress else { return }
            context.withUnsafeMutableBufferPointer { context in
                guard let contextBase = context.baseAddress else { return }
                scores.withUnsafeMutableBufferPointer { scores in
                    guard let s = scores.baseAddress else { return }
                    for (offset, n) in zip(offsets, lengths) where n > 0 {
                        let sequence = qkvBase + offset * stride
                        for head in 0..<W.heads {
                            let q = sequence + head * d, k = sequence + h + head * d, v = sequence + 2 * h + head * d
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(d),
                                        scale, q, Int32(stride), k, Int32(stride), 0, s, Int32(n))
                            softmaxRows(s, rows: n, columns: n)
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(d), Int32(n),
                                        1, s, Int32(n), v, Int32(stride), 0, contextBase + offset * h + head * d, Int32(h))
                        }
                    }
                }
            }
        }
    }

    private func softmaxRows(_ s: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        coachrag_softmax_rows(s, rows, columns)
    }

    /// GELU, erf form (as BERT and PyTorch's default): x · ½ · (1 + erf(x / √2)). The C kernel
    /// vectorises (AVX2+FMA when the CPU has it); scalar `erff`/`expf` took over half the pass.
    private func gelu(_ values: inout [Float]) {
        values.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { coachrag_gelu(base, buffer.count) }
        }
    }

    /// x = LayerNorm(x + residual).
    private func addAndNormalise(_ x: inout [Float], _ residual: [Float], weight: [Float], bias: [Float], rows: Int) {
        x.withUnsafeMutableBufferPointer { x in
            residual.withUnsafeBufferPointer { residual in
                for index in x.indices { x[index] += residual[index] }
            }
        }
        layerNorm(&x, weight: weight, bias: bias, rows: rows)
    }

    private func layerNorm(_ x: inout [Float], weight: [Float], bias: [Float], rows: Int) {
        let h = W.hidden
        x.withUnsafeMutableBufferPointer { x in
            weight.withUnsafeBufferPointer { weight in
                bias.withUnsafeBufferPointer { bias in
                    for row in 0..<rows {
                        let base = row * h
                        var mean: Float = 0
                        for c in 0..<h { mean += x[base + c] }
                        mean /= Float(h)
                        var variance: Float = 0
                        for c in 0..<h {
                            let centred = x[base + c] - mean
                            variance += centred * centred
                        }
                        variance /= Float(h)
                        let inverse = 1 / (variance + W.layerNormEpsilon).squareRoot()
                        for c in 0..<h { x[base + c] = (x[base + c] - mean) * inverse * weight[c] + bias[c] }
                    }
                }
            }
        }
    }
}
