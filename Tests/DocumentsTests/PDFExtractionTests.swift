import Foundation
import Testing
import TestSupport
@testable import Documents

@Suite struct PDFExtractionTests {
    let files = TestFiles()

    @Test func pagesAreNumberedFromOne() async throws {
        let pdf = MinimalPDF.make(pages: [["First page text."], ["Second page text."]])
        let document = try #require(await files.extract("two.pdf", pdf).document)
        #expect(document.format == .pdf)
        #expect(document.pages.map(\.number) == [1, 2])
        #expect(document.pages[0].text.contains("First page text."))
        #expect(document.text.contains("\u{000C}"))
    }

    @Test func runningHeadersFootersAndPageNumbersAreDropped() async throws {
        let pages = (1...5).map { n in ["Coaching Handbook - Chapter 2", "Body line \(n) about habits.", "Page \(n) of 5"] }
        let document = try #require(await files.extract("headers.pdf", MinimalPDF.make(pages: pages)).document)
        for (index, page) in document.pages.enumerated() {
            #expect(page.text == "Body line \(index + 1) about habits.")
        }
    }

    @Test func softHyphenatedWordsAreJoined() async throws {
        let pdf = MinimalPDF.make(pages: [["An inter-", "national standard for sleep."]])
        let document = try #require(await files.extract("hyphen.pdf", pdf).document)
        #expect(document.pages[0].text == "An international standard for sleep.")
    }

    @Test func extensionDoesNotDecideTheFormat() async throws {
        let pdf = MinimalPDF.make(pages: [["Hidden PDF."]])
        #expect(await files.extract("looks-like.txt", pdf).document?.format == .pdf)
        let docx = StoredZip.docx(body: "<w:p><w:r><w:t>Hidden DOCX.</w:t></w:r></w:p>")
        #expect(await files.extract("looks-like.pdf", docx).document?.format == .docx)
    }

    @Test func pageWithoutTextLayerIsImageOnly() async {
        let pdf = MinimalPDF.make(pages: [[], []])
        #expect(await files.extract("scan.pdf", pdf).errorCode == .imageOnlyPDF)
    }

    @Test func corruptAndTruncatedPDFs() async {
        #expect(await files.extract("garbage.pdf", Data("%PDF-1.4\n".utf8) + Data(repeating: 0x41, count: 300)).errorCode == .corruptPDF)
        let whole = MinimalPDF.make(pages: [["Some text here."]])
        #expect(await files.extract("cut.pdf", whole.prefix(whole.count / 3)).errorCode == .corruptPDF)
    }
}

@Suite struct PDFTextCleanerTests {
    @Test func ligaturesBecomePlainLetters() {
        #expect(PDFTextCleaner.expandLigatures("\u{FB01}rst \u{FB02}ow e\u{FB03}cient") == "first flow efficient")
    }

    @Test func hyphenJoinRules() {
        #expect(PDFTextCleaner.joinHyphenated(["inter-", "national"]) == ["international"])
        #expect(PDFTextCleaner.joinHyphenated(["co\u{00AD}", "operate"]) == ["cooperate"])
        // A capitalised next line is a new sentence or a name, not the rest of a word.
        #expect(PDFTextCleaner.joinHyphenated(["Monday -", "Friday"]) == ["Monday -", "Friday"])
        #expect(PDFTextCleaner.joinHyphenated(["Week 1-", "Week 2"]) == ["Week 1-", "Week 2"])
    }

    @Test func aWordBrokenAcrossAPageEndStaysOnItsFirstPage() {
        let cleaned = PDFTextCleaner.clean(pages: ["the most effi-", "cient way to race.", "Next page."])
        #expect(cleaned == ["the most efficient", "way to race.", "Next page."])
        #expect(PDFTextCleaner.clean(pages: ["ends with effi-", "cient", "Next."]) == ["ends with efficient", "", "Next."])
    }

    @Test func pageNumberShapes() {
        for line in ["3", "- 3 -", "Page 3", "page 3 of 10", "3 / 10", "iv"] { #expect(PDFTextCleaner.isPageNumber(line), "\(line)") }
        for line in ["3 sets of 10 reps", "Sleep 8 hours", "Vitamin D"] { #expect(!PDFTextCleaner.isPageNumber(line), "\(line)") }
    }

    @Test func aRepeatedPhraseInTheBodyIsKept() {
        let pages = (1...4).map { n in "Header\nIntro \(n)\nDrink water.\nMiddle line\nDrink water.\nMore body \(n)\nEnd of body \(n)" }
        let cleaned = PDFTextCleaner.clean(pages: pages)
        #expect(cleaned.allSatisfy { !$0.contains("Header") })
        #expect(cleaned.allSatisfy { $0.components(separatedBy: "Drink water.").count == 3 })
    }

    @Test func shortDocumentsKeepTheirFirstLines() {
        let cleaned = PDFTextCleaner.clean(pages: ["Title\nBody", "Title\nMore"])
        #expect(cleaned == ["Title\nBody", "Title\nMore"])
    }
}
