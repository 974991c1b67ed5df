/// The text of one document, page by page, as extraction produced it.
///
/// The document's text is its page texts joined by a form feed (U+000C), as pdftotext does;
/// chunk offsets and citations are Unicode-scalar offsets into that text.
public struct ExtractedDocument: Sendable, Hashable, Codable {
    /// One page: its 1-based number, or `nil` for formats without pages (TXT, DOCX without
    /// explicit page breaks), and its text.
    public struct Page: Sendable, Hashable, Codable {
        public var number: Int?
        public var text: String
        public init(number: Int?, text: String) {
            self.number = number
            self.text = text
        }
    }

    public static let pageSeparator: Unicode.Scalar = "\u{000C}"

    public var path: String
    public var format: DocumentFormat
    public var pages: [Page]

    public init(path: String, format: DocumentFormat, pages: [Page]) {
        self.path = path
        self.format = format
        self.pages = pages
    }

    /// The whole text: page texts joined by U+000C.
    public var text: String {
        pages.map(\.text).joined(separator: String(Character(Self.pageSeparator)))
    }

    /// For each page, the Unicode-scalar offset in `text` where it begins.
    public var pageStartOffsets: [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(pages.count)
        var position = 0
        for page in pages {
            offsets.append(position)
            position += page.text.unicodeScalars.count + 1
        }
        return offsets
    }
}
