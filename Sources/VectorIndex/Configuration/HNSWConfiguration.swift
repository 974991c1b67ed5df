/// HNSW build and search parameters (Malkov & Yashunin). Stored in every index file header, so a
/// file always says how it was built.
public struct HNSWConfiguration: Sendable, Hashable, Codable {
    /// Links per node on the upper levels. It is called M in the paper (default 16).
    public var connectivity: Int = 16
    /// Links per node on level 0. It is called M0 (or Mmax0) in the paper: 2·M by default.
    public var baseConnectivity: Int = 32
    /// Candidate list size while inserting. It is called efConstruction in the paper (default 200).
    public var expansionAdd: Int = 200
    /// Default candidate list size while searching. It is called ef in the paper (default 64);
    /// overridable per query.
    public var expansionSearch: Int = 64
    /// Seed of the level assignment: the same vectors, order and seed give the same graph.
    public var seed: UInt64 = 0x5EED_C0AC_4A61_0001

    public init(connectivity: Int = 16, expansionAdd: Int = 200, expansionSearch: Int = 64) {
        self.connectivity = connectivity
        self.baseConnectivity = 2 * connectivity
        self.expansionAdd = expansionAdd
        self.expansionSearch = expansionSearch
    }

    public static let `default` = HNSWConfiguration()

    public func validate() throws(IndexFileError) {
        guard (2...256).contains(connectivity) else { throw IndexFileError(.invalidConfiguration, "M must be between 2 and 256 (got \(connectivity))") }
        guard (connectivity...1024).contains(baseConnectivity) else { throw IndexFileError(.invalidConfiguration, "M0 must be between M and 1024 (got \(baseConnectivity))") }
        guard expansionAdd >= 1, expansionSearch >= 1 else { throw IndexFileError(.invalidConfiguration, "efConstruction and ef must be at least 1") }
    }
}
