/// Why an ingest job stopped (file-level failures are not errors: they are reported and the
/// batch goes on). Each case maps to a documented exit status.
public enum IngestError: Error, Sendable, CustomStringConvertible {
    /// A pipeline file or option is wrong (exit 2).
    case configuration(String)
    /// The embedder cannot be reached or does not work (exit 3).
    case embedder(String)
    /// Another ingest of the same creator is running (exit 2).
    case locked(String)
    /// The embedding cache cannot be used (exit 1).
    case cache(String)
    /// The index could not be written or published (exit 1).
    case index(String)

    public var description: String {
        switch self {
        case .configuration(let message), .embedder(let message), .locked(let message), .cache(let message), .index(let message): message
        }
    }
}
