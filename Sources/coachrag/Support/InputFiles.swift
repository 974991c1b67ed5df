import Ingestion

/// Expands the paths a user named for `parse` and `chunk`, keeping their order: files as given,
/// directories walked recursively (sorted, hidden files skipped).
enum InputFiles {
    static func expand(_ paths: [String]) -> [String] {
        paths.flatMap(SourceDiscovery.walk)
    }
}
