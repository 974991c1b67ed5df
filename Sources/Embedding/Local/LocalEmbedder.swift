public import Foundation
public import Tokenization

/// The offline default: all-MiniLM-L6-v2 run in-process (`BertEncoder`, BLAS), 384-d vectors.
///
/// Texts of at most 254 word pieces are embedded exactly as sentence-transformers does
/// (`[CLS]` + pieces + `[SEP]`, mean pooling, L2 normalisation). Longer texts (chunks are up to
/// 1000 tokens) are never truncated: they are cut into consecutive windows of 254 pieces, each
/// window is embedded as above, and the window vectors are averaged weighted by their piece
/// counts, then normalised again. `LongInputPolicy.truncate` gives sentence-transformers' own
/// behaviour (first 254 pieces) for comparison.
public final class LocalEmbedder: Embedder {
    public static let modelName = "all-MiniLM-L6-v2"
    public static let maxPiecesPerWindow = 254
    /// Tokens per forward pass: bounds memory (the 1536-wide activations) whatever the batch.
    static let tokensPerForward = 8192

    public enum LongInputPolicy: Sendable { case windowAverage, truncate }

    public let descriptor = EmbedderDescriptor(provider: .local, model: LocalEmbedder.modelName, dimension: MiniLMWeights.hidden, documentPrefix: "", queryPrefix: "", normalized: true)
    public let modelDirectory: URL
    private let encoder: BertEncoder
    private let tokenizer: WordPieceTokenizer

    /// Loads the weights from `directory` (default: `LocalEmbedder.defaultModelDirectory()`).
    public init(modelDirectory directory: URL? = nil, tokenizer: WordPieceTokenizer) throws(EmbeddingError) {
        let directory = directory ?? Self.defaultModelDirectory()
        let file = directory.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw .modelMissing(directory.path, "model.safetensors not found")
        }
        self.modelDirectory = directory
        self.encoder = BertEncoder(weights: try MiniLMWeights(file: file))
        self.tokenizer = tokenizer
    }

    /// `$COACHRAG_MODELS/all-MiniLM-L6-v2`, else `./models/all-MiniLM-L6-v2`, else the first
    /// `models/all-MiniLM-L6-v2` above the running executable (a checkout's `.build/...`).
    public static func defaultModelDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let root = environment["COACHRAG_MODELS"], !root.isEmpty {
            return URL(fileURLWithPath: root).appendingPathComponent(modelName)
        }
        let local = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("models/\(modelName)")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("models/\(modelName)")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return local
    }

    public func embed(documents: [String]) async throws -> [[Float]] {
        embed(documents, policy: .windowAverage)
    }

    public func embed(query: String) async throws -> [Float] {
        embed([query], policy: .windowAverage)[0]
    }

    /// Synchronous core, usable from any thread.
    public func embed(_ texts: [String], policy: LongInputPolicy) -> [[Float]] {
        embed(ids: texts.map { tokenizer.tokenize($0).map(\.id) }, policy: policy)
    }

    /// Embeds already-tokenized texts (word-piece ids without [CLS]/[SEP]).
    public func embed(ids texts: [[Int32]], policy: LongInputPolicy) -> [[Float]] {
        // Every window of every text, as one model sequence.
        var windows: [(text: Int, weight: Float, ids: [Int32])] = []
        for (index, pieces) in texts.enumerated() {
            let cut = policy == .truncate ? [Array(pieces.prefix(Self.maxPiecesPerWindow))] : Self.windows(pieces)
            for window in cut {
                windows.append((index, Float(max(window.count, 1)), [WordPieceTokenizer.clsID] + window + [WordPieceTokenizer.sepID]))
            }
        }
        // Similar lengths together; forward passes bounded in tokens.
        let order = windows.indices.sorted { windows[$0].ids.count < windows[$1].ids.count }
        var pooled = [[Float]](repeating: [], count: windows.count)
        var batch: [Int] = []
        var batchTokens = 0
        func flush() {
            guard !batch.isEmpty else { return }
            let vectors = encoder.meanPooled(batch.map { windows[$0].ids })
            for (slot, vector) in zip(batch, vectors) { pooled[slot] = Self.normalised(vector) }
            batch.removeAll(keepingCapacity: true)
            batchTokens = 0
        }
        for slot in order {
            if batchTokens + windows[slot].ids.count > Self.tokensPerForward { flush() }
            batch.append(slot)
            batchTokens += windows[slot].ids.count
        }
        flush()

        var sums = [[Float]](repeating: [Float](repeating: 0, count: descriptor.dimension), count: texts.count)
        for (slot, window) in windows.enumerated() {
            for c in 0..<descriptor.dimension { sums[window.text][c] += window.weight * pooled[slot][c] }
        }
        return sums.map(Self.normalised)
    }

    /// Consecutive windows of at most 254 pieces; an empty text is one empty window.
    public static func windows(_ pieces: [Int32]) -> [[Int32]] {
        guard !pieces.isEmpty else { return [[]] }
        return stride(from: 0, to: pieces.count, by: maxPiecesPerWindow).map { Array(pieces[$0..<min($0 + maxPiecesPerWindow, pieces.count)]) }
    }

    public static func normalised(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}
