/// Turns one file into an `ExtractedDocument`, detecting the format from the content: a real
/// PDF or DOCX under another name is read by its content (ingest warns), and a file named
/// `.pdf` or `.docx` that holds plain text is refused (`content_mismatch`).
///
/// PDFs go through poppler in a worker process when `pdfWorker` is set (the CLI always sets
/// it), so a parser crash or hang becomes that file's error; without it they are parsed in
/// this process (for tests and embedding in other tools).
public struct DocumentExtractor: Sendable {
    public var limits: ExtractionLimits
    public var pdfWorker: PDFWorkerCommand?

    public init(limits: ExtractionLimits = .default, pdfWorker: PDFWorkerCommand? = nil) {
        self.limits = limits
        self.pdfWorker = pdfWorker
    }

    public func extract(path: String) async throws(DocumentError) -> ExtractedDocument {
        let bytes = try FileReader.read(path: path, limits: limits)
        let format: DocumentFormat
        let pages: [ExtractedDocument.Page]
        switch FormatSniffer.sniff(bytes) {
        case .pdf:
            format = .pdf
            if let pdfWorker {
                pages = try await IsolatedPDFExtractor.extract(path: path, worker: pdfWorker, limits: limits)
            } else {
                pages = try PDFExtractor.extract(bytes, path: path)
            }
        case .zip:
            format = .docx
            pages = try DOCXExtractor.extract(bytes, path: path, limits: limits)
        case .knownUnsupported(let what):
            throw DocumentError(.unsupportedFormat, path: path, "unsupported format: the content is \(what); coachrag reads PDF, DOCX and plain text")
        case .other:
            format = .txt
            // A "report.docx" that is really a saved error page must not become knowledge.
            if let claimed = DocumentFormat(claimedBy: path), claimed != .txt {
                _ = try decodeText(bytes, path: path)
                throw DocumentError(.contentMismatch, path: path, "is named .\(claimed.rawValue) but holds plain text (a saved web page or error message?); not read — rename it .txt if the text is wanted")
            }
            pages = [.init(number: nil, text: try decodeText(bytes, path: path))]
        }
        guard pages.contains(where: { page in page.text.unicodeScalars.contains { !$0.properties.isWhitespace } }) else {
            throw DocumentError(.emptyFile, path: path, "the \(format.rawValue.uppercased()) contains no text")
        }
        return ExtractedDocument(path: path, format: format, pages: pages)
    }

    private func decodeText(_ bytes: [UInt8], path: String) throws(DocumentError) -> String {
        do {
            return try TextDecoder.decode(bytes)
        } catch {
            switch error {
            case .binary where path.lowercased().hasSuffix(".txt"):
                throw DocumentError(.binaryContent, path: path, "the file holds binary data, not text")
            case .binary:
                throw DocumentError(.unsupportedFormat, path: path, "unsupported format: binary content that is not PDF or DOCX; coachrag reads PDF, DOCX and plain text")
            case .undecodable(let reason):
                throw DocumentError(.undecodableText, path: path, "the text cannot be decoded: \(reason)")
            }
        }
    }
}

extension DocumentExtractor {
    /// `extract(path:)` as a value, for batches that report failures instead of stopping.
    public func result(path: String) async -> Result<ExtractedDocument, DocumentError> {
        do {
            return .success(try await extract(path: path))
        } catch {
            return .failure(error)
        }
    }
}
