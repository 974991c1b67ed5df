import Foundation
import Logging
import Retrieval
import Pipelines
import State
import Synchronization

/// Each creator's persona, retrieval settings and registration policy, read from the pipeline
/// files by the one pipeline-file reader (`creator:`, `persona:`, `registration:`,
/// `index.ef_search`, the `retrieval:` section: `k`, `min_confidence` and every
/// `RetrievalSettings` key). A creator without a
/// pipeline file gets the defaults, and one whose retrieval settings are out of range gets the
/// default ones.
///
/// Reloaded when the files change, as indexes are: at most once per `recheckInterval`, a
/// lookup compares the folder's `*.yml` files (name, inode, size, modification time) with
/// those last read, and reads them all again when they differ. A file that cannot be read, or
/// whose settings are out of range, is logged (its creator served with the defaults), never
/// skipped in silence.
final class CreatorSettings: Sendable {
    let defaults: AnsweringSettings
    let defaultRegistration: RegistrationPolicy
    private let directory: URL?
    private let logger: Logger
    private let recheckInterval: Duration
    private let snapshot: Mutex<Snapshot>

    private struct Snapshot {
        var byCreator: [String: AnsweringSettings] = [:]
        var registrations: [String: RegistrationPolicy] = [:]
        var files: [String: FileSignature] = [:]
        var checkedAt: ContinuousClock.Instant
    }

    init(pipelinesDirectory: URL?, defaults: AnsweringSettings, defaultRegistration: RegistrationPolicy = .invite,
         logger: Logger = Logger(label: "coachrag.pipelines"), recheckInterval: Duration = .seconds(1)) {
        self.defaults = defaults
        self.defaultRegistration = defaultRegistration
        directory = pipelinesDirectory
        self.logger = logger
        self.recheckInterval = recheckInterval
        snapshot = Mutex(Snapshot(checkedAt: .now))
        let files = Self.pipelineFiles(in: pipelinesDirectory)
        snapshot.withLock { $0 = read(files) }
    }

    func settings(for creator: String) -> AnsweringSettings {
        current().byCreator[creator] ?? defaults
    }

    func registration(for creator: String) -> RegistrationPolicy {
        current().registrations[creator] ?? defaultRegistration
    }

    /// The settings as of the files now, re-read if they changed since the last look.
    private func current() -> Snapshot {
        let now = ContinuousClock.now
        let (snapshot, due) = self.snapshot.withLock { state -> (Snapshot, Bool) in
            guard now - state.checkedAt >= recheckInterval else { return (state, false) }
            state.checkedAt = now
            return (state, true)
        }
        guard due else { return snapshot }
        let files = Self.pipelineFiles(in: directory)
        guard files != snapshot.files else { return snapshot }
        let fresh = read(files)
        logger.info("pipeline files changed; settings reloaded", metadata: ["files": .stringConvertible(files.count)])
        self.snapshot.withLock { $0 = fresh }
        return fresh
    }

    /// The `*.yml` / `*.yaml` files of the folder with their signatures.
    private static func pipelineFiles(in directory: URL?) -> [String: FileSignature] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [:] }
        var files: [String: FileSignature] = [:]
        for name in names where name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
            let path = directory.appendingPathComponent(name).path
            if let signature = FileSignature(path: path) { files[path] = signature }
        }
        return files
    }

    /// Every file through the one pipeline-file reader (`PipelineFile`, the same strict one
    /// `ingest --pipeline` uses): a file it refuses is logged with the reason and its creator
    /// served with the defaults.
    private func read(_ files: [String: FileSignature]) -> Snapshot {
        var snapshot = Snapshot(files: files, checkedAt: .now)
        for path in files.keys.sorted() {
            let file: PipelineConfiguration
            do {
                file = try PipelineFile.load(URL(fileURLWithPath: path))
            } catch {
                logger.warning("pipeline file refused; its creator gets the default settings", metadata: ["file": .string(path), "error": .string(error.message)])
                continue
            }
            var creator = defaults
            if let persona = file.persona?.trimmingCharacters(in: .whitespacesAndNewlines), !persona.isEmpty { creator.persona = persona }
            creator.efSearch = file.index.expansionSearch
            if let k = file.answerPassages { creator.k = k }
            if let minimum = file.minimumConfidence { creator.minimumConfidence = minimum }
            creator.search = file.retrieval
            if let problem = creator.search.problem() {
                logger.warning("pipeline retrieval settings out of range; the defaults are used", metadata: ["file": .string(path), "problem": .string(problem)])
                creator.search = defaults.search
            }
            snapshot.byCreator[file.creator] = creator
            if let policy = file.registration.flatMap(RegistrationPolicy.init(rawValue:)) { snapshot.registrations[file.creator] = policy }
        }
        return snapshot
    }
}
