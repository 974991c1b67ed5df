import ArgumentParser
import Foundation
import Yams

/// `coachrag-bench run [NAME...] [--quick]`: every benchmark (or the named ones) as a
/// subprocess with `--json`, repeated, compared with `bench/targets.yml`; prints a table, writes
/// `bench/results/<date>-<host>.json`, and exits 1 when a target is missed. `--quick` runs tiny
/// sizes once to prove the benchmarks work (no pass/miss: timings at those sizes mean nothing).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the benchmarks against bench/targets.yml and write bench/results/.")

    @Argument(help: "Benchmarks to run (default: all in the targets file).") var names: [String] = []
    @Flag(help: "Tiny sizes, one repetition, no pass/miss (what CI runs).") var quick = false
    @Option(help: "Runs of each benchmark; the table shows their median and spread.") var repetitions: Int = 3
    @Option(help: "Targets file.") var targets: String = "bench/targets.yml"
    @Option(help: "Results folder.") var results: String = "bench/results"
    @Flag(help: "Rewrite the generated section of README.md from this run.") var updateReadme = false

    static let quickArguments: [String: [String]] = [
        "documents": ["--repetitions", "1"], "tokenizer": ["--repetitions", "1"],
        "ann": ["--generate", "1500", "--query-count", "50", "--ef", "16,64"],
        "embed": ["--queries", "10", "--chunks", "1"], "ollama-client": ["--batches", "5"],
        "ingest": ["--files", "2", "--pages", "3"],
        "server": ["--concurrency", "1,2", "--seconds", "0.5", "--creators", "10", "--open", "3", "--flips", "5", "--browser-questions", "2"],
        "retrieval": ["--sizes", "300", "--queries", "20", "--words", "200", "--no-quality"],
        "replicas": ["--seconds", "1", "--concurrency", "4"],
    ]

    struct Target: Decodable {
        var name: String, benchmark: String, figure: String, unit: String, direction: String, target: Double, dataset: String
    }

    struct Row: Codable {
        var name: String, benchmark: String, unit: String, direction: String, target: Double, dataset: String
        var median: Double?, spread: Double?, pass: Bool?
        var status: String
    }

    func run() throws {
        let file = try String(contentsOfFile: targets, encoding: .utf8)
        let all = try YAMLDecoder().decode([String: [Target]].self, from: file)["targets"] ?? []
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var benchmarks: [String] = []
        for target in all where !benchmarks.contains(target.benchmark) { benchmarks.append(target.benchmark) }
        let selected = names.isEmpty ? benchmarks : benchmarks.filter(names.contains)
        let runnable = Set(Self.quickArguments.keys)

        var outputs: [String: [[String: Any]]] = [:]
        for benchmark in selected where runnable.contains(benchmark) {
            FileHandle.standardError.write(Data("running \(benchmark)…\n".utf8))
            for _ in 0..<(quick ? 1 : max(1, repetitions)) {
                let process = Process()
                process.executableURL = executable
                process.arguments = [benchmark, "--json"] + (quick ? Self.quickArguments[benchmark] ?? [] : [])
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                guard process.terminationStatus == 0, let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
                      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    throw ValidationError("benchmark \(benchmark) failed (exit \(process.terminationStatus))")
                }
                outputs[benchmark, default: []].append(object)
            }
        }

        var rows: [Row] = []
        for target in all where selected.contains(target.benchmark) {
            var row = Row(name: target.name, benchmark: target.benchmark, unit: target.unit, direction: target.direction, target: target.target, dataset: target.dataset, status: "not measured")
            if let runs = outputs[target.benchmark] {
                let values = runs.compactMap { Self.value(target.figure, in: $0, others: outputs) }.sorted()
                if !values.isEmpty {
                    let median = values[values.count / 2]
                    row.median = median
                    row.spread = (values.last ?? median) - (values.first ?? median)
                    if quick {
                        row.status = "ran (quick)"
                    } else {
                        let pass = target.direction == "higher" ? median >= target.target : median <= target.target
                        row.pass = pass
                        row.status = pass ? "pass" : "MISS"
                    }
                }
            }
            rows.append(row)
        }

        print("figure".padding(toLength: 30, withPad: " ", startingAt: 0) + "median".leftPad(14) + "spread".leftPad(12) + "target".leftPad(16) + "  result")
        for row in rows {
            let median = row.median.map(Self.format) ?? "—", spread = row.spread.map(Self.format) ?? "—"
            let target = (row.direction == "higher" ? "≥ " : "≤ ") + Self.format(row.target) + " " + row.unit
            print(row.name.padding(toLength: 30, withPad: " ", startingAt: 0) + median.leftPad(14) + spread.leftPad(12) + target.leftPad(16) + "  " + row.status)
        }

        let host = ProcessInfo.processInfo.hostName
        let date = ISO8601DateFormatter().string(from: Date())
        let machine = ["host": host, "cores": String(ProcessInfo.processInfo.activeProcessorCount), "date": date,
                       "memory_gb": String(ProcessInfo.processInfo.physicalMemory >> 30)]
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let name = "\(results)/\(date.prefix(10))-\(host)\(quick ? "-quick" : "").json"
        try encoder.encode(Report(machine: machine, quick: quick, figures: rows)).write(to: URL(fileURLWithPath: name))
        FileHandle.standardError.write(Data("wrote \(name)\n".utf8))
        if updateReadme && !quick { try ReadmeCommand.rewrite(from: Report(machine: machine, quick: quick, figures: rows)) }
        if rows.contains(where: { $0.pass == false }) { throw ExitCode(1) }
    }

    /// A figure from one run's JSON: `key`, `results[ef=64].qps`, `a / b`, `other.key`.
    static func value(_ expression: String, in object: [String: Any], others: [String: [[String: Any]]]) -> Double? {
        let parts = expression.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count == 2 {
            guard let a = value(parts[0], in: object, others: others), let b = value(parts[1], in: object, others: others), b != 0 else { return nil }
            return a / b
        }
        var path = expression
        var source = object
        if let dot = path.firstIndex(of: "."), !path.contains("["), let other = others[String(path[..<dot])]?.first {
            source = other
            path = String(path[path.index(after: dot)...])
        }
        if let open = path.firstIndex(of: "["), let close = path.firstIndex(of: "]") {
            let list = String(path[..<open]), selector = path[path.index(after: open)..<close].split(separator: "=")
            let key = String(path[path.index(close, offsetBy: 2)...])
            guard selector.count == 2, let rows = source[list] as? [[String: Any]],
                  let row = rows.first(where: { "\($0[String(selector[0])] ?? "")" == selector[1] }) else { return nil }
            return (row[key] as? NSNumber)?.doubleValue
        }
        return (source[path] as? NSNumber)?.doubleValue
    }

    static func format(_ value: Double) -> String {
        if value >= 1000 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.3g", value)
    }
}

/// What `run` writes to `bench/results/`: the machine and every figure with its verdict.
struct Report: Codable { var machine: [String: String]; var quick: Bool; var figures: [RunCommand.Row] }

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
