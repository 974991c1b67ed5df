import Foundation

/// Deterministic synthetic data for tests and benchmarks, shaped like text embeddings: clusters
/// (topics) in a low-dimensional latent space (sentence embeddings have an intrinsic dimension of
/// a few dozen), projected into `dimension` and L2-normalised, plus a little isotropic noise.
/// Uniform random vectors in 384 dimensions are a poor stand-in: no index does well on them and
/// no real corpus looks like them.
public struct ClusteredVectors: Sendable {
    public let dimension: Int
    public let latentDimension: Int
    private let centres: [[Float]]
    private let projection: [Float]   // dimension × latentDimension, row-major
    private let spread: Float
    private let noise: Float

    public init(dimension: Int, clusters: Int = 100, latentDimension: Int = 48, spread: Float = 1.0, noise: Float = 0.1, seed: UInt64 = 1) {
        var random = SplitMix64(seed: seed)
        self.dimension = dimension
        self.latentDimension = latentDimension
        self.spread = spread
        self.noise = noise
        centres = (0..<max(1, clusters)).map { _ in (0..<latentDimension).map { _ in Self.gaussian(&random) } }
        projection = (0..<(dimension * latentDimension)).map { _ in Self.gaussian(&random) / Float(latentDimension).squareRoot() }
    }

    /// `count` vectors; different `seed`s give different samples of the same distribution.
    public func sample(count: Int, seed: UInt64) -> [[Float]] {
        var random = SplitMix64(seed: seed ^ 0xA5A5_5A5A_DEAD_BEEF)
        return (0..<count).map { _ in
            let centre = centres[Int(random.next() % UInt64(centres.count))]
            let latent = centre.map { $0 + spread * Self.gaussian(&random) }
            var vector = [Float](repeating: 0, count: dimension)
            for row in 0..<dimension {
                var sum: Float = 0
                let base = row * latentDimension
                for column in 0..<latentDimension { sum += projection[base + column] * latent[column] }
                vector[row] = sum + noise * Self.gaussian(&random)
            }
            return Self.normalised(vector)
        }
    }

    public static func normalised(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    private static func gaussian(_ random: inout SplitMix64) -> Float {
        let u1 = max(Double(random.next() >> 11) * 0x1.0p-53, 1e-300), u2 = Double(random.next() >> 11) * 0x1.0p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
