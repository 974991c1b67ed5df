import Foundation
import Testing
import TestSupport

/// `coachrag parse` and `chunk` over the committed corpora: every hostile file fails with its
/// exact code, the good files of the same batch still come out, and chunks are exact slices.
@Suite struct CorporaTests {
    let hostile = TestPaths.corpora.appendingPathComponent("hostile")
    let demo = TestPaths.corpora.appendingPathComponent("demo")

    @Test func everyHostileFileFailsWithItsCodeAndTheBatchSurvives() throws {
        let expectedData = try Data(contentsOf: TestPaths.corpora.appendingPathComponent("hostile-expected.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [String: Any])
        let good = demo.appendingPathComponent("habits.txt").path
        let outcome = try CommandRunner.run(["parse", hostile.path, good], timeout: 120)
        #expect(outcome.status == 1)
        let lines = outcome.jsonLines
        #expect(lines.count == expected.count + 1)
        for line in lines {
            let path = try #require(line["path"] as? String)
            let name = URL(fileURLWithPath: path).lastPathComponent
            let code = (line["error"] as? [String: Any])?["code"] as? String
            if path == good {
                #expect(code == nil)
                continue
            }
            let wanted = expected[name] as? String
            #expect(code == wanted, "\(name)")
            if let code {
                #expect(outcome.stderr.contains("error: \(path): "), "\(name) has no stderr line")
                #expect(code != "parser_crashed", "\(name) crashed the parser")
            }
        }
        // The content decides the format, not the extension.
        let formats = Dictionary(uniqueKeysWithValues: lines.compactMap { line in
            (line["path"] as? String).map { (URL(fileURLWithPath: $0).lastPathComponent, line["format"] as? String) }
        })
        #expect(formats["docx-named.pdf"] == "docx")
        #expect(formats["pdf-named.txt"] == "pdf")
    }

    @Test func theDemoCorpusParsesCompletely() throws {
        let outcome = try CommandRunner.run(["parse", demo.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.jsonLines
        #expect(lines.count >= 10)
        let formats = Set(lines.compactMap { $0["format"] as? String })
        #expect(formats == ["pdf", "docx", "txt"])
        let all = lines.compactMap { ($0["pages"] as? [[String: Any]])?.compactMap { $0["text"] as? String }.joined(separator: "\u{000C}") }.joined(separator: "\n")
        #expect(!all.contains("Coaching Handbook"), "running header left in")
        #expect(!all.contains("\u{FB01}"), "ligature left in")
        #expect(all.contains("Put on music you like."), "tracked insertion missing")
        #expect(!all.contains("Deep-fry"), "tracked deletion kept")
        #expect(all.contains("Zürich") || all.contains("coach’s notes"), "legacy encoding not decoded")
        #expect(all.contains("most efficient") && !all.contains("effi-"), "hyphenated word not joined")
    }

    @Test func demoChunksAreExactSlicesOfTheParsedText() throws {
        let file = demo.appendingPathComponent("sleep-guide.pdf").path
        let parsed = try #require(try CommandRunner.run(["parse", file]).jsonLines.first)
        let pages = try #require(parsed["pages"] as? [[String: Any]])
        let text = pages.compactMap { $0["text"] as? String }.joined(separator: "\u{000C}")
        let scalars = Array(text.unicodeScalars)
        let outcome = try CommandRunner.run(["chunk", "--max-tokens", "120", "--overlap", "30", file])
        #expect(outcome.status == 0)
        let chunks = outcome.jsonLines
        #expect(chunks.count > 5)
        var previousEnd = 0
        for chunk in chunks {
            let start = try #require(chunk["start"] as? Int), end = try #require(chunk["end"] as? Int)
            #expect(chunk["text"] as? String == String(String.UnicodeScalarView(scalars[start..<end])))
            #expect((chunk["tokens"] as? Int ?? 0) <= 120)
            #expect((chunk["page_start"] as? Int ?? 0) >= 1)
            #expect((chunk["page_end"] as? Int ?? 0) >= (chunk["page_start"] as? Int ?? 0))
            #expect(start < previousEnd || previousEnd == 0, "neighbours must overlap")
            previousEnd = end
        }
        #expect(previousEnd == scalars.count || scalars[previousEnd...].allSatisfy { $0.properties.isWhitespace || $0 == "\u{000C}" })
    }
}
