import Foundation
import Testing
import TestSupport

/// `coachrag ingest` and `coachrag search` as a user and CI run them.
@Suite(.serialized) struct IngestCommandTests {
    let root = TemporaryDirectory.make("cli-ingest")
    let demo = TestPaths.corpora.appendingPathComponent("demo").path
    var indexes: String { root.appendingPathComponent("indexes").path }

    private func ingest(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandRunner.Outcome {
        try CommandRunner.run(["ingest", "--indexes", indexes] + arguments, environment: environment, currentDirectory: TestPaths.packageRoot, timeout: 300)
    }

    @Test func ingestThenSearchAsJSON() throws {
        let first = try ingest(["--creator", "demo", "--json", demo])
        #expect(first.status == 0, "\(first.stderr)")
        let report = try #require(first.jsonLines.first)
        #expect(report["published"] as? String == "v000001.cidx")
        #expect((report["files"] as? [String: Any])?["ok"] as? Int == 12)
        #expect((report["embeddings"] as? [String: Any])?["computed"] as? Int == report["chunks"] as? Int)
        #expect(Set((report["seconds"] as? [String: Any] ?? [:]).keys).isSuperset(of: ["parse", "embed", "build", "publish"]))

        let search = try CommandRunner.run(["search", "--indexes", indexes, "--creator", "demo", "--json", "-k", "2", "What does WOOP stand for?"])
        #expect(search.status == 0, "\(search.stderr)")
        let hits = try #require(search.jsonLines.first?["hits"] as? [[String: Any]])
        #expect(hits.count == 2)
        #expect((hits[0]["document"] as? String)?.hasSuffix("goal-setting.docx") == true)
        #expect(Set(hits[0].keys) == ["score", "document", "page_start", "page_end", "start", "end", "text", "dense", "lexical", "excerpt"])
        let excerpt = try #require(hits[0]["excerpt"] as? [String: Any])
        #expect((excerpt["text"] as? String)?.contains("WOOP stands for Wish, Outcome, Obstacle, Plan.") == true)
        #expect(excerpt["page_start"] as? Int == 2, "the WOOP section starts after the DOCX page break")
        #expect((hits[0]["lexical"] as? [String: Any])?["rank"] as? Int == 1)

        let again = try ingest(["--creator", "demo", "--json", demo])
        #expect(again.status == 0)
        #expect(again.jsonLines.first?["published"] is NSNull)
        #expect(again.jsonLines.first?["up_to_date"] as? Bool == true)

        #expect(try ingest(["--creator", "demo", "--check", demo]).status == 0)
        #expect(try ingest(["--creator", "demo", "--check", demo + "/habits.txt"]).status == 1)

        let list = try CommandRunner.run(["index", "list", "--indexes", indexes, "--creator", "demo"])
        #expect(list.stdout.contains("* v000001.cidx"))
        let info = try CommandRunner.run(["index", "info", "--indexes", indexes, "--creator", "demo", "--json"])
        #expect(info.jsonLines.first?["dimension"] as? Int == 384)
        #expect(try CommandRunner.run(["index", "verify", "--indexes", indexes, "--creator", "demo"]).status == 0)

        // While an ingest holds the creator's lock, rollback and gc refuse instead of racing it.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [indexes + "/demo/.ingest.lock", "sleep", "30"]
        try holder.run()
        defer { holder.terminate() }
        Thread.sleep(forTimeInterval: 0.5)
        for command in [["index", "rollback", "1"], ["index", "gc"]] {
            let refused = try CommandRunner.run(command + ["--indexes", indexes, "--creator", "demo"])
            #expect(refused.status == 1 && refused.stderr.contains("another ingest or index command of creator demo is running"), "\(command): \(refused.stderr)")
        }
    }

    /// Several creators' pipelines as parallel jobs: each published on its own, and a broken one
    /// does not stop the others (the worst exit status wins).
    @Test func pipelinesRunAsParallelJobs() throws {
        let pipelines = root.appendingPathComponent("pipelines")
        try FileManager.default.createDirectory(at: pipelines, withIntermediateDirectories: true)
        for name in ["alpha", "beta", "gamma"] {
            try "creator: \(name)\nsources: {paths: [\(demo)/habits.txt, \(demo)/recovery.txt]}\n".write(to: pipelines.appendingPathComponent("\(name).yml"), atomically: true, encoding: .utf8)
        }
        let hostile = TestPaths.corpora.appendingPathComponent("hostile/encrypted.pdf").path
        try "creator: delta\nsources: {paths: [\(demo)/habits.txt, \(hostile)]}\n".write(to: pipelines.appendingPathComponent("delta.yml"), atomically: true, encoding: .utf8)
        let files = ["alpha", "beta", "delta", "gamma"].map { pipelines.appendingPathComponent("\($0).yml").path }
        let run = try ingest(["--jobs", "2", "--json", "--no-cache", "--pipeline"] + files)
        #expect(run.status == 1, "\(run.stderr)")  // delta's encrypted PDF
        let published = Dictionary(uniqueKeysWithValues: run.jsonLines.compactMap { line in (line["creator"] as? String).map { ($0, line["published"] as? String) } })
        #expect(published == ["alpha": "v000001.cidx", "beta": "v000001.cidx", "gamma": "v000001.cidx", "delta": "v000001.cidx"])
        #expect(try ingest(["--jobs", "0", "--pipeline", files[0]]).status == 2)
    }

    @Test func exitCodes() throws {
        let hostile = TestPaths.corpora.appendingPathComponent("hostile/encrypted.pdf").path
        let partial = try ingest(["--creator", "partial", demo + "/habits.txt", hostile])
        #expect(partial.status == 1)
        #expect(partial.stderr.contains("encrypted.pdf"))
        #expect(partial.stdout.contains("published: v000001.cidx"))
        let strict = try ingest(["--creator", "strict", "--fail-on-error", demo + "/habits.txt", hostile])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("published: nothing"))

        #expect(try ingest(["--creator", "../up", demo]).status == 2)
        let version = try CommandRunner.run(["--version"])
        #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        #expect(try ingest([demo]).status == 2)
        let unreachable = try ingest(["--creator", "down", "--embedder", "ollama", "--ollama-host", "127.0.0.1:1", demo + "/habits.txt"])
        #expect(unreachable.status == 3)
        #expect(unreachable.stderr.contains("ollama serve"))
        #expect(!FileManager.default.fileExists(atPath: indexes + "/down/CURRENT"))
        let viaEnvironment = try ingest(["--creator", "down", "--embedder", "ollama", demo + "/habits.txt"], environment: ["OLLAMA_HOST": "127.0.0.1:1"])
        #expect(viaEnvironment.status == 3)
        #expect(viaEnvironment.stderr.contains("127.0.0.1:1"))
    }

    /// kill -9 at random moments: CURRENT always names a complete, valid version (or nothing),
    /// no partial file sits under a final name, and a re-run completes.
    @Test func killedAtRandomPointsNothingIsCorrupted() throws {
        var generator = SystemRandomNumberGenerator()
        let binary = CommandRunner.binary
        for round in 0..<12 {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["ingest", "--indexes", indexes, "--creator", "crash", "--force", "--no-cache", demo]
            process.currentDirectoryURL = TestPaths.packageRoot
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 50_000...1_500_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let directory = indexes + "/crash"
            if let current = try? String(contentsOfFile: directory + "/CURRENT", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) {
                let verify = try CommandRunner.run(["index", "verify", "--indexes", indexes, "--creator", "crash", "--all"])
                #expect(verify.status == 0, "round \(round): \(current): \(verify.stderr)")
            }
        }
        let rerun = try ingest(["--creator", "crash", "--force", demo])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try CommandRunner.run(["index", "verify", "--indexes", indexes, "--creator", "crash", "--all"]).status == 0)
    }
}
