import Foundation

/// The weights of all-MiniLM-L6-v2 (BERT: 6 layers, hidden 384, 12 heads, intermediate 1536),
/// read from `model.safetensors`. Linear weights stay `[out, in]` as stored; Q, K and V are
/// concatenated into one `[3·384, 384]` matrix so each layer's projections are one sgemm.
struct MiniLMWeights: Sendable {
    static let hidden = 384
    static let heads = 12
    static let headSize = 32
    static let intermediate = 1536
    static let layers = 6
    static let vocabulary = 30522
    static let positions = 512
    static let layerNormEpsilon: Float = 1e-12

    struct Layer: Sendable {
        var qkvWeight: [Float]      // [3H, H]
        var qkvBias: [Float]        // [3H]
        var outputWeight: [Float]   // [H, H]
        var outputBias: [Float]
        var attentionNormWeight: [Float]
        var attentionNormBias: [Float]
        var intermediateWeight: [Float]  // [I, H]
        var intermediateBias: [Float]
        var feedForwardWeight: [Float]   // [H, I]
        var feedForwardBias: [Float]
        var outputNormWeight: [Float]
        var outputNormBias: [Float]
    }

    var wordEmbeddings: [Float]
    var positionEmbeddings: [Float]
    var tokenTypeEmbedding: [Float]  // type 0 only: single sequences
    var embeddingNormWeight: [Float]
    var embeddingNormBias: [Float]
    var layers: [Layer]

    init(file url: URL) throws(EmbeddingError) {
        let tensors = try SafeTensors(url: url)
        let h = Self.hidden, i = Self.intermediate
        wordEmbeddings = try tensors.floats("embeddings.word_embeddings.weight", shape: [Self.vocabulary, h])
        positionEmbeddings = try tensors.floats("embeddings.position_embeddings.weight", shape: [Self.positions, h])
        tokenTypeEmbedding = Array(try tensors.floats("embeddings.token_type_embeddings.weight", shape: [2, h]).prefix(h))
        embeddingNormWeight = try tensors.floats("embeddings.LayerNorm.weight", shape: [h])
        embeddingNormBias = try tensors.floats("embeddings.LayerNorm.bias", shape: [h])
        var layers: [Layer] = []
        for index in 0..<Self.layers {
            let p = "encoder.layer.\(index)."
            let q = try tensors.floats(p + "attention.self.query.weight", shape: [h, h])
            let k = try tensors.floats(p + "attention.self.key.weight", shape: [h, h])
            let v = try tensors.floats(p + "attention.self.value.weight", shape: [h, h])
            let qb = try tensors.floats(p + "attention.self.query.bias", shape: [h])
            let kb = try tensors.floats(p + "attention.self.key.bias", shape: [h])
            let vb = try tensors.floats(p + "attention.self.value.bias", shape: [h])
            layers.append(Layer(
                qkvWeight: q + k + v, qkvBias: qb + kb + vb,
                outputWeight: try tensors.floats(p + "attention.output.dense.weight", shape: [h, h]),
                outputBias: try tensors.floats(p + "attention.output.dense.bias", shape: [h]),
                attentionNormWeight: try tensors.floats(p + "attention.output.LayerNorm.weight", shape: [h]),
                attentionNormBias: try tensors.floats(p + "attention.output.LayerNorm.bias", shape: [h]),
                intermediateWeight: try tensors.floats(p + "intermediate.dense.weight", shape: [i, h]),
                intermediateBias: try tensors.floats(p + "intermediate.dense.bias", shape: [i]),
                feedForwardWeight: try tensors.floats(p + "output.dense.weight", shape: [h, i]),
                feedForwardBias: try tensors.floats(p + "output.dense.bias", shape: [h]),
                outputNormWeight: try tensors.floats(p + "output.LayerNorm.weight", shape: [h]),
                outputNormBias: try tensors.floats(p + "output.LayerNorm.bias", shape: [h])
            ))
        }
        self.layers = layers
    }
}
