/// PDF → pages: poppler's text layer, cleaned (`PDFTextCleaner`), with 1-based page numbers.
enum PDFExtractor {
    static func extract(_ bytes: [UInt8], path: String) throws(DocumentError) -> [ExtractedDocument.Page] {
        let raw = try PopplerExtractor.pageTexts(of: bytes, path: path)
        guard !raw.isEmpty else {
            throw DocumentError(.corruptPDF, path: path, "the PDF has no pages")
        }
        let hasTextLayer = raw.contains { page in page.unicodeScalars.contains { !$0.properties.isWhitespace } }
        guard hasTextLayer else {
            throw DocumentError(.imageOnlyPDF, path: path, "the PDF has no text layer (\(raw.count) page(s) of images?); OCR is not supported, export it with text or run OCR first")
        }
        return PDFTextCleaner.clean(pages: raw).enumerated().map { .init(number: $0.offset + 1, text: $0.element) }
    }
}
