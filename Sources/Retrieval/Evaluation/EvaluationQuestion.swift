public import Foundation

/// One line of an evaluation question file (JSON Lines):
/// `{"id", "question", "context"?: [{"role", "content"}], "answer_doc", "answer_page"?,
/// "answer_span"?, "kind"?}`. `answer_doc` matches a document whose path equals it or ends with
/// `/` + it; `answer_span` is searched whitespace-collapsed in a hit's text; `kind` groups the
/// figures (default "all").
public struct EvaluationQuestion: Sendable, Hashable, Codable {
    public var id: String
    public var question: String
    public var context: [Turn]?
    public var answerDocument: String
    public var answerPage: Int?
    public var answerSpan: String?
    public var kind: String?

    enum CodingKeys: String, CodingKey {
        case id, question, context, answerDocument = "answer_doc", answerPage = "answer_page", answerSpan = "answer_span", kind
    }

    /// Reads a question file; a bad line is an error naming the file, the line and why.
    public static func load(_ url: URL) throws(EvaluationError) -> [EvaluationQuestion] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EvaluationError("cannot read \(url.path): \(error.localizedDescription)")
        }
        var questions: [EvaluationQuestion] = []
        var seen = Set<String>()
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let question: EvaluationQuestion
            do {
                question = try JSONDecoder().decode(EvaluationQuestion.self, from: Data(trimmed.utf8))
            } catch {
                throw EvaluationError("\(url.path):\(number + 1): not a question object (\(Self.describe(error)))")
            }
            guard !question.answerDocument.isEmpty else { throw EvaluationError("\(url.path):\(number + 1): answer_doc is empty") }
            guard seen.insert(question.id).inserted else { throw EvaluationError("\(url.path):\(number + 1): id \"\(question.id)\" is used twice") }
            questions.append(question)
        }
        guard !questions.isEmpty else { throw EvaluationError("\(url.path) holds no questions") }
        return questions
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "invalid JSON" }
        switch error {
        case .keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        default: return "invalid JSON"
        }
    }

    /// Whether `path` is this question's answer document.
    public func isAnswer(_ path: String) -> Bool {
        path == answerDocument || path.hasSuffix("/" + answerDocument)
    }
}

/// An evaluation that could not run (unreadable question file, a bad line).
public struct EvaluationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
