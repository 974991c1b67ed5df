import ArgumentParser
import Documents

/// `coachrag parse FILE...`: extracted text per file, as JSON lines.
struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Extract the text of PDF, DOCX and TXT files, page by page, as JSON lines.",
        discussion: """
            The format is detected from the content, not the name. Directories are walked \
            recursively. Each file prints one line:
              {"path": ..., "format": "pdf"|"docx"|"txt", "pages": [{"page": N|null, "text": ...}]}
            or, when it cannot be read:
              {"path": ..., "error": {"code": ..., "message": ...}}
            and a line `error: PATH: reason` on stderr.

            A document's text is its pages joined by a form feed (U+000C). PDF pages are numbered \
            from 1; TXT, and DOCX without explicit page breaks, have one page numbered null. PDFs \
            are parsed in an isolated worker process, so a crash or hang fails only that file.

            Error codes: \(DocumentError.Code.allCases.map(\.rawValue).joined(separator: ", ")).
            Exit status: 0 every file succeeded; 1 some file failed (the others were printed); 2 usage error.
            """
    )

    @Argument(help: "Files or directories to read.")
    var paths: [String]

    @OptionGroup var extraction: ExtractionOptions

    func run() async throws {
        let extractor = extraction.extractor()
        var failures = 0
        let inputs = InputFiles.expand(paths)
        for error in inputs.refused {
            failures += 1
            Output.jsonLine(FailedFileLine(error))
            Output.error(error.description)
        }
        await forEachConcurrently(inputs.files, width: extraction.jobs) { path in
            await extractor.result(path: path)
        } emit: { path, result in
            switch result {
            case .success(let document):
                Output.jsonLine(ParsedFileLine(document))
            case .failure(let error):
                failures += 1
                Output.jsonLine(FailedFileLine(error))
                Output.error(error.description)
            }
        }
        if failures > 0 { throw ExitCode(ExitStatus.someInputFailed) }
    }
}

/// `{"path", "format", "pages": [{"page", "text"}]}`
struct ParsedFileLine: Encodable {
    struct Page: Encodable {
        var page: Int?
        var text: String
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(page, forKey: .page)  // null, not omitted
            try container.encode(text, forKey: .text)
        }
        enum CodingKeys: String, CodingKey { case page, text }
    }
    var path: String
    var format: String
    var pages: [Page]

    init(_ document: ExtractedDocument) {
        path = document.path
        format = document.format.rawValue
        pages = document.pages.map { Page(page: $0.number, text: $0.text) }
    }
}

/// `{"path", "error": {"code", "message"}}`
struct FailedFileLine: Encodable {
    struct Failure: Encodable {
        var code: String
        var message: String
    }
    var path: String
    var error: Failure

    init(_ error: DocumentError) {
        path = error.path
        self.error = Failure(code: error.code.rawValue, message: error.message)
    }
}
