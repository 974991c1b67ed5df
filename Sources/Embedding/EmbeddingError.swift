/// Why the local embedder cannot run.
public enum EmbeddingError: Error, Sendable, Hashable, CustomStringConvertible {
    case modelMissing(String, String)
    case malformedModel(String, String)

    public var description: String {
        switch self {
        case .modelMissing(let directory, let detail):
            "the all-MiniLM-L6-v2 model is not in \(directory) (\(detail)); run `bash scripts/setup.sh` (or `make setup`), or point COACHRAG_MODELS at a folder holding all-MiniLM-L6-v2/"
        case .malformedModel(let path, let detail):
            "\(path) is not a usable all-MiniLM-L6-v2 model: \(detail); re-run `bash scripts/setup.sh`"
        }
    }
}
