import ArgumentParser
import Foundation
import Retrieval
import VectorIndex

/// `coachrag eval --creator ID --questions FILE.jsonl`: retrieval quality of the live index.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure retrieval quality of a creator's live index on a question file.",
        discussion: """
            The question file has one JSON object a line: {"id", "question", "context"?: \
            [{"role": "user"|"assistant", "content"}], "answer_doc", "answer_page"?, "answer_span"?, \
            "kind"?}. Prints document recall@k, span hit@k, MRR@10, nDCG@10 and the top hit's page \
            accuracy, overall and per kind, then every question whose answer document is not the \
            top hit. --json prints {"questions", "k", "recall_at_k", "span_hit_at_k", "mrr_at_10", \
            "ndcg_at_10", "page_accuracy", "by_kind": {...}, "misses": [...]}.
            Exit status: 0 success; 1 the index cannot be read; 2 usage error or a bad question \
            file; 3 the embedder is unreachable or does not match the index.
            """
    )

    @OptionGroup var index: IndexOptions
    @OptionGroup var retrieval: RetrievalOptions

    @Option(help: "The question file (JSON Lines).")
    var questions: [String]

    @Option(name: .short, help: "Cut-off for recall and span hit.")
    var k: Int = 5

    @Flag(help: "Ignore the questions' context turns (measures follow-ups without context).")
    var noContext = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...100).contains(k) else { throw ValidationError("-k must be between 1 and 100") }
        guard !questions.isEmpty else { throw ValidationError("give at least one --questions file") }
    }

    func run() async throws {
        var loaded: [EvaluationQuestion] = []
        do {
            for file in questions { loaded += try EvaluationQuestion.load(URL(fileURLWithPath: file)) }
        } catch {
            Output.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
        if noContext { loaded = loaded.map { var q = $0; q.context = nil; return q } }
        let mapped: MappedIndex
        do { mapped = try index.store.openCurrent(creator: index.creator) } catch { throw error.exit() }
        let settings = try retrieval.settings()
        let embed: QueryEmbedding = try await retrieval.queryEmbedding(for: mapped, method: settings.method)
        let report: EvaluationReport
        do {
            report = try await Evaluator(retriever: RetrievalOptions.retriever(), settings: settings).evaluate(loaded, index: mapped, k: k, embed: embed)
        } catch let error as IndexFileError {
            throw error.exit()
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.embedderUnavailable)
        }
        if json {
            Output.jsonLine(report)
            return
        }
        if !mapped.header.hasLexicalIndex { Output.standardError("note: \(mapped.url.lastPathComponent) has no lexical index (format 1.0, or no terms): evaluated dense-only") }
        func line(_ name: String, _ f: EvaluationReport.Figures) -> String {
            String(format: "%-14@ %4d  recall@%d %.3f  span@%d %.3f  MRR@10 %.3f  nDCG@10 %.3f  page %@",
                   name as NSString, f.questions, k, f.recallAtK, k, f.spanHitAtK, f.mrrAt10, f.ndcgAt10, f.pageAccuracy.map { String(format: "%.3f", $0) } ?? "n/a")
        }
        var lines = ["\(index.creator) (\(settings.method.rawValue)): \(report.questions) question(s)", line("overall", report.overall)]
        for kind in report.byKind.keys.sorted() where report.byKind.count > 1 { lines.append(line(kind, report.byKind[kind]!)) }
        if !report.misses.isEmpty {
            lines.append("misses (answer document not the top hit):")
            for miss in report.misses {
                lines.append("  \(miss.id) [\(miss.kind)] \(miss.question) — expected \(miss.expected), rank \(miss.rank.map(String.init) ?? ">10"), top \(miss.top ?? "none")")
            }
        }
        Output.standardOutput(lines.joined(separator: "\n"))
    }
}
