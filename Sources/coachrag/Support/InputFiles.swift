import Ingestion

/// Expands the paths a user named for `parse` and `chunk`, keeping their order: files as given,
/// directories walked recursively (sorted, hidden files skipped; links out of a folder refused,
/// see `SourceDiscovery`).
enum InputFiles {
    static func expand(_ paths: [String]) -> SourceDiscovery.Found {
        var found = SourceDiscovery.Found()
        for path in paths {
            let walked = SourceDiscovery.walk(path)
            found.files += walked.files
            found.refused += walked.refused
        }
        return found
    }
}
