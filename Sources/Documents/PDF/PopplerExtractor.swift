import CPoppler

/// Reads the text layer of a PDF with poppler-glib, one string per page, in poppler's reading order.
/// Runs in whichever process calls it; `IsolatedPDFExtractor` puts it in a worker process.
enum PopplerExtractor {
    /// The raw text of each page (before clean-up), or the reason the PDF cannot be read.
    static func pageTexts(of bytes: [UInt8], path: String) throws(DocumentError) -> [String] {
        let gbytes = bytes.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
        defer { g_bytes_unref(gbytes) }
        var gerror: UnsafeMutablePointer<GError>?
        guard let document = poppler_document_new_from_bytes(gbytes, nil, &gerror) else {
            throw openError(gerror, path: path)
        }
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }

        let pageCount = Int(poppler_document_get_n_pages(document))
        var texts: [String] = []
        texts.reserveCapacity(pageCount)
        for index in 0..<pageCount {
            guard let page = poppler_document_get_page(document, Int32(index)) else {
                throw DocumentError(.corruptPDF, path: path, "page \(index + 1) of \(pageCount) cannot be read; the PDF is damaged")
            }
            defer { g_object_unref(UnsafeMutableRawPointer(page)) }
            if let raw = poppler_page_get_text(page) {
                texts.append(String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self))
                g_free(raw)
            } else {
                texts.append("")
            }
        }
        return texts
    }

    private static func openError(_ gerror: UnsafeMutablePointer<GError>?, path: String) -> DocumentError {
        defer { if let gerror { g_error_free(gerror) } }
        let detail = gerror.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "unknown error"
        if let gerror, gerror.pointee.domain == poppler_error_quark(), gerror.pointee.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
            return DocumentError(.encryptedPDF, path: path, "the PDF is encrypted and needs a password; save an unprotected copy and ingest that")
        }
        return DocumentError(.corruptPDF, path: path, "the PDF is truncated or corrupt and cannot be opened (poppler: \(detail))")
    }
}
