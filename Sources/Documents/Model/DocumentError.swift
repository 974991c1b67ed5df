/// Why one file could not be turned into text: a stable machine-readable code, the file, and a
/// one-line reason a user can act on. Equality compares the code and the path only.
public struct DocumentError: Error, Sendable, CustomStringConvertible, Hashable {
    /// The failure classes. Raw values are the stable codes printed by `coachrag parse --json`
    /// and recorded by ingest; never rename one.
    public enum Code: String, Sendable, Codable, CaseIterable {
        case unreadable = "unreadable"
        case emptyFile = "empty_file"
        case unsupportedFormat = "unsupported_format"
        case corruptPDF = "corrupt_pdf"
        case encryptedPDF = "encrypted_pdf"
        case imageOnlyPDF = "image_only_pdf"
        case notAZip = "not_a_zip"
        case missingDocumentXML = "missing_document_xml"
        case entryTooLarge = "entry_too_large"
        case zipBomb = "zip_bomb"
        case unsafeEntryName = "unsafe_entry_name"
        case xmlRejected = "xml_rejected"
        case nestingTooDeep = "nesting_too_deep"
        case binaryContent = "binary_content"
        case undecodableText = "undecodable_text"
        case parserCrashed = "parser_crashed"
        case parserTimeout = "parser_timeout"
        /// A symbolic link inside a source folder that points outside it (not followed).
        case symlinkOutsideSource = "symlink_outside_source"
        /// Named `.pdf` or `.docx` but plain text inside (a saved error page, say): not read.
        case contentMismatch = "content_mismatch"
    }

    public var code: Code
    /// The file as the user named it.
    public var path: String
    /// What went wrong and, where there is one, what to do about it. Never contains document text.
    public var message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.path == rhs.path }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(path)
    }
}
