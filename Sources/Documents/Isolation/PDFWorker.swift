public import Foundation

/// The child side of `IsolatedPDFExtractor`: caps its own memory, extracts one PDF in-process,
/// and writes one JSON `Reply` to stdout. Called by the executable's hidden worker command.
public enum PDFWorker {
    struct Reply: Codable {
        struct Failure: Codable {
            var code: DocumentError.Code
            var message: String
        }
        var pages: [ExtractedDocument.Page]?
        var error: Failure?
    }

    /// Test hook: `COACHRAG_PDF_WORKER_FAULT=crash|hang` makes the worker crash or hang before
    /// parsing, so tests can prove a batch survives a parser that dies (no real PDF reliably does).
    public static let faultVariable = "COACHRAG_PDF_WORKER_FAULT"

    /// Extracts `path` and returns the JSON reply; the caller prints it.
    public static func run(path: String, maxMemoryBytes: Int) -> Data {
        var limit = rlimit(rlim_cur: rlim_t(maxMemoryBytes), rlim_max: rlim_t(maxMemoryBytes))
        _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        switch ProcessInfo.processInfo.environment[faultVariable] {
        case "crash": raise(SIGSEGV)
        case "hang": while true { sleep(60) }
        default: break
        }

        let reply: Reply
        do {
            let bytes = try FileReader.read(path: path, limits: .default)
            reply = Reply(pages: try PDFExtractor.extract(bytes, path: path), error: nil)
        } catch {
            reply = Reply(pages: nil, error: .init(code: error.code, message: error.message))
        }
        return (try? JSONEncoder().encode(reply)) ?? Data(#"{"error":{"code":"parser_crashed","message":"could not encode the reply"}}"#.utf8)
    }
}
