import Foundation
import Testing
import TestSupport

@Suite struct ParseCommandTests {
    let directory = TemporaryDirectory.make("cli-parse")

    private func write(_ name: String, _ data: Data) -> String {
        let url = directory.appendingPathComponent(name)
        try? data.write(to: url)
        return url.path
    }

    @Test func mixedBatchReportsEachFailureAndKeepsTheRest() throws {
        let good = write("good.txt", Data("Sleep seven hours.".utf8))
        let pdf = write("two.pdf", MinimalPDF.make(pages: [["Page one."], ["Page two."]]))
        let empty = write("empty.txt", Data())
        let docx = write("notes.docx", StoredZip.docx(body: "<w:p><w:r><w:t>Hydrate.</w:t></w:r></w:p>"))
        let outcome = try CommandRunner.run(["parse", good, empty, pdf, docx])
        #expect(outcome.status == 1)
        let lines = outcome.jsonLines
        #expect(lines.count == 4)
        #expect(lines.map { $0["path"] as? String } == [good, empty, pdf, docx])
        #expect(lines[0]["format"] as? String == "txt")
        let pages = try #require(lines[2]["pages"] as? [[String: Any]])
        #expect(pages.map { $0["page"] as? Int } == [1, 2])
        #expect((lines[0]["pages"] as? [[String: Any]])?.first?["page"] is NSNull)
        #expect((lines[1]["error"] as? [String: Any])?["code"] as? String == "empty_file")
        #expect(outcome.stderr == "error: \(empty): the file is empty (0 bytes)\n")
    }

    @Test func allGoodExitsZero() throws {
        let good = write("good.txt", Data("Breathe.".utf8))
        let outcome = try CommandRunner.run(["parse", good])
        #expect(outcome.status == 0)
        #expect(outcome.stderr.isEmpty)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try CommandRunner.run(["parse"]).status == 2)
        #expect(try CommandRunner.run(["parse", "--jobs", "0", "x"]).status == 2)
        #expect(try CommandRunner.run(["chunk", "--max-tokens", "10", "--overlap", "10", "x"]).status == 2)
        #expect(try CommandRunner.run(["no-such-command"]).status == 2)
    }

    @Test(arguments: ["crash", "hang"])
    func aPDFParserThatDiesCostsOnlyThatFile(fault: String) throws {
        let pdf = write("victim.pdf", MinimalPDF.make(pages: [["Text."]]))
        let good = write("fine.txt", Data("Still here.".utf8))
        let started = Date()
        let outcome = try CommandRunner.run(
            ["parse", "--pdf-timeout", "2", pdf, good],
            environment: ["COACHRAG_PDF_WORKER_FAULT": fault]
        )
        #expect(outcome.status == 1)
        #expect(Date().timeIntervalSince(started) < 30)
        let lines = outcome.jsonLines
        let expected = fault == "crash" ? "parser_crashed" : "parser_timeout"
        #expect((lines.first?["error"] as? [String: Any])?["code"] as? String == expected)
        #expect(lines.last?["format"] as? String == "txt")
        #expect(outcome.stderr.contains("error: \(pdf): "))
    }

    @Test func helpExplainsTheOutput() throws {
        let outcome = try CommandRunner.run(["parse", "--help"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("form feed"))
        #expect(outcome.stdout.contains("image_only_pdf"))
    }
}
