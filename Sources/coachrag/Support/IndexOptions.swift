import ArgumentParser
import Foundation
import Ingestion
import VectorIndex

/// `--creator` and `--indexes`, shared by the commands that read or write a creator's indexes.
struct IndexOptions: ParsableArguments {
    @Option(help: "Creator id (a slug: lower-case letters, digits, '-' and '_').")
    var creator: String

    @Option(help: "Root folder of the indexes (default: ./indexes, or $COACHRAG_INDEXES).")
    var indexes: String = ProcessInfo.processInfo.environment["COACHRAG_INDEXES"] ?? "indexes"

    func validate() throws {
        do {
            try IndexStore.validateCreator(creator)
        } catch {
            throw ValidationError(error.message)
        }
    }

    var store: IndexStore { IndexStore(root: URL(fileURLWithPath: indexes)) }

    /// The creator's ingest lock: commands that move `CURRENT` or delete versions hold it, so
    /// they never race an ingest. Held by another process: one `error:` line, exit 1.
    func lock() throws -> IngestLock {
        do {
            return try IngestLock(directory: store.root.appendingPathComponent(creator), creator: creator)
        } catch {
            Output.error(error.description)
            throw ExitCode(ExitStatus.someInputFailed)
        }
    }
}

extension IndexFileError {
    /// Runtime index errors exit with status 1 and one `error:` line.
    func exit() -> ExitCode {
        Output.error(message)
        return ExitCode(ExitStatus.someInputFailed)
    }
}
