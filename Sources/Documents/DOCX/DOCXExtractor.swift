/// DOCX → pages: the body of `word/document.xml` in order (paragraphs, headings, list items,
/// tables row by row with cells separated by a tab, inserted tracked changes; deleted text and
/// field codes excluded), then footnotes and endnotes. Explicit page breaks start new pages
/// (numbered from 1); without any, the document is one page with no number.
enum DOCXExtractor {
    static func extract(_ bytes: [UInt8], path: String, limits: ExtractionLimits) throws(DocumentError) -> [ExtractedDocument.Page] {
        let archive = try ZipArchive(bytes: bytes, path: path, limits: limits)
        guard let body = archive.entry(named: "word/document.xml") else {
            throw DocumentError(.missingDocumentXML, path: path, "the archive has no word/document.xml, so it is not a Word document (or it is damaged)")
        }
        var builder = WordTextBuilder()
        try XMLStreamReader.read(try archive.read(body), part: "word/document.xml", path: path, maxDepth: limits.maxXMLDepth) { (node, attribute) throws(DocumentError) in
            builder.visit(node, attribute: attribute)
        }
        for kind in WordTextBuilder.NoteKind.allCases {
            guard let entry = archive.entry(named: kind.part) else { continue }
            var notes = WordTextBuilder(collecting: kind)
            try XMLStreamReader.read(try archive.read(entry), part: kind.part, path: path, maxDepth: limits.maxXMLDepth) { (node, attribute) throws(DocumentError) in
                notes.visit(node, attribute: attribute)
            }
            builder.appendNotes(notes.notes, kind: kind)
        }
        return builder.finish()
    }
}
