import Foundation
import TestSupport
@testable import Documents

/// Writes test inputs into a per-test temporary folder and extracts them in-process.
struct TestFiles {
    let directory = TemporaryDirectory.make("documents")

    func write(_ name: String, _ data: Data) -> String {
        let url = directory.appendingPathComponent(name)
        try? data.write(to: url)
        return url.path
    }

    func write(_ name: String, bytes: [UInt8]) -> String { write(name, Data(bytes)) }

    func extract(_ name: String, _ data: Data, limits: ExtractionLimits = .default) async -> Result<ExtractedDocument, DocumentError> {
        let path = write(name, data)
        return await DocumentExtractor(limits: limits).result(path: path)
    }
}

extension Result where Failure == DocumentError {
    var errorCode: DocumentError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
    var document: Success? { try? get() }
}
