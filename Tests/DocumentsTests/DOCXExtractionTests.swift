import Foundation
import Testing
import TestSupport
@testable import Documents

@Suite struct DOCXExtractionTests {
    let files = TestFiles()

    private func run(_ text: String) -> String { "<w:r><w:t xml:space=\"preserve\">\(text)</w:t></w:r>" }
    private func paragraph(_ text: String, style: String? = nil, list: Bool = false) -> String {
        var properties = ""
        if let style { properties += "<w:pStyle w:val=\"\(style)\"/>" }
        if list { properties += "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>" }
        return "<w:p><w:pPr>\(properties)</w:pPr>\(run(text))</w:p>"
    }

    @Test func paragraphsHeadingsAndListsInOrder() async throws {
        let body = paragraph("Sleep basics", style: "Heading1") + paragraph("Adults need seven hours.") + paragraph("Dim the lights", list: true) + paragraph("No screens", list: true)
        let document = try #require(await files.extract("a.docx", StoredZip.docx(body: body)).document)
        #expect(document.pages == [.init(number: nil, text: "Sleep basics\nAdults need seven hours.\n- Dim the lights\n- No screens")])
    }

    @Test func tableCellsNeverGlueTogether() async throws {
        func cell(_ text: String) -> String { "<w:tc><w:p>\(run(text))</w:p></w:tc>" }
        let table = "<w:tbl><w:tr>\(cell("Day"))\(cell("Run"))</w:tr><w:tr>\(cell("Monday"))\(cell("5 km easy"))</w:tr></w:tbl>"
        let document = try #require(await files.extract("t.docx", StoredZip.docx(body: paragraph("Plan") + table + paragraph("After"))).document)
        #expect(document.pages[0].text == "Plan\nDay\tRun\nMonday\t5 km easy\nAfter")
    }

    @Test func trackedInsertionsKeptDeletionsDropped() async throws {
        let body = "<w:p>\(run("Drink "))<w:ins w:id=\"1\" w:author=\"c\">\(run("two litres of "))</w:ins><w:del w:id=\"2\" w:author=\"c\"><w:r><w:delText>soda and </w:delText></w:r></w:del>\(run("water."))</w:p>"
        let document = try #require(await files.extract("tc.docx", StoredZip.docx(body: body)).document)
        #expect(document.pages[0].text == "Drink two litres of water.")
    }

    @Test func footnotesAndEndnotesFollowTheBody() async throws {
        let body = "<w:p>\(run("Protein helps"))<w:r><w:footnoteReference w:id=\"2\"/></w:r>\(run(" recovery."))<w:r><w:endnoteReference w:id=\"5\"/></w:r></w:p>"
        let ns = #"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#
        let footnotes = #"<?xml version="1.0"?><w:footnotes \#(ns)><w:footnote w:type="separator" w:id="0"><w:p><w:r><w:t>---</w:t></w:r></w:p></w:footnote><w:footnote w:id="2"><w:p><w:r><w:t>1.6 g per kg per day.</w:t></w:r></w:p></w:footnote></w:footnotes>"#
        let endnotes = #"<?xml version="1.0"?><w:endnotes \#(ns)><w:endnote w:id="5"><w:p><w:r><w:t>See the nutrition guide.</w:t></w:r></w:p></w:endnote></w:endnotes>"#
        let docx = StoredZip.docx(body: body, extraParts: [("word/footnotes.xml", Data(footnotes.utf8)), ("word/endnotes.xml", Data(endnotes.utf8))])
        let text = try #require(await files.extract("fn.docx", docx).document).pages[0].text
        #expect(text == "Protein helps[1] recovery.[e1]\n\nFootnotes\n[1] 1.6 g per kg per day.\n\nEndnotes\n[e1] See the nutrition guide.")
    }

    @Test func explicitPageBreaksMakePages() async throws {
        let body = paragraph("Page one.") + "<w:p><w:r><w:br w:type=\"page\"/></w:r>\(run("Page two."))</w:p>"
        let document = try #require(await files.extract("pb.docx", StoredZip.docx(body: body)).document)
        #expect(document.pages == [.init(number: 1, text: "Page one."), .init(number: 2, text: "Page two.")])
    }

    @Test func fallbackContentIsNotDuplicated() async throws {
        let body = "<w:p><mc:AlternateContent><mc:Choice Requires=\"wps\">\(run("Box"))</mc:Choice><mc:Fallback>\(run("Box"))</mc:Fallback></mc:AlternateContent></w:p>"
        #expect(try #require(await files.extract("mc.docx", StoredZip.docx(body: body)).document).pages[0].text == "Box")
    }

    @Test func missingDocumentXML() async {
        let zip = StoredZip.make([("[Content_Types].xml", Data("<Types/>".utf8)), ("word/styles.xml", Data("<styles/>".utf8))])
        #expect(await files.extract("nodoc.docx", zip).errorCode == .missingDocumentXML)
    }

    @Test func brokenZip() async {
        var zip = StoredZip.docx(body: paragraph("x"))
        zip = zip.prefix(zip.count - 30)
        #expect(await files.extract("broken.docx", zip).errorCode == .notAZip)
    }

    @Test func unsafeEntryNamesAreRefused() async {
        for name in ["../evil.txt", "/etc/evil", "word/../../evil", "C:\\evil"] {
            let zip = StoredZip.docx(body: paragraph("x"), extraParts: [(name, Data("x".utf8))])
            #expect(await files.extract("unsafe.docx", zip).errorCode == .unsafeEntryName, "\(name)")
        }
    }

    @Test func doctypeAndEntitiesAreRefused() async {
        let xxe = #"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"#
        let zip = StoredZip.make([("[Content_Types].xml", Data("<Types/>".utf8)), ("word/document.xml", Data(xxe.utf8))])
        let result = await files.extract("xxe.docx", zip)
        #expect(result.errorCode == .xmlRejected)
    }

    @Test func deepNestingIsRefused() async {
        let deep = String(repeating: "<w:sdt>", count: 5000) + String(repeating: "</w:sdt>", count: 5000)
        #expect(await files.extract("deep.docx", StoredZip.docx(body: deep)).errorCode == .nestingTooDeep)
    }

    @Test func entrySizeLimitsAreEnforced() async {
        var limits = ExtractionLimits.default
        limits.maxEntryBytes = 1000
        let big = StoredZip.docx(body: paragraph(String(repeating: "word ", count: 400)))
        #expect(await files.extract("big.docx", big, limits: limits).errorCode == .entryTooLarge)
        limits = .default
        limits.maxTotalUncompressedBytes = 500
        #expect(await files.extract("total.docx", big, limits: limits).errorCode == .zipBomb)
    }
}
