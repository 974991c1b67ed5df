public import Hummingbird
public import HTTPTypes
import Foundation

/// An error answered to the client as `application/problem+json` (RFC 9457), one line of
/// `detail` naming the field or resource, plus field errors for validation failures.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    public struct FieldError: Codable, Sendable, Equatable {
        public var field: String
        public var message: String
    }

    public var status: HTTPResponse.Status
    public var slug: String
    public var detail: String
    public var fieldErrors: [FieldError] = []
    public var retryAfter: Int?
    /// What the operator needs and a client must not see (a file path, an upstream's error):
    /// logged with the request id, never answered.
    public var internalDetail: String?

    public var description: String { "\(status.code) \(slug): \(detail)" }

    public static func badRequest(_ detail: String, field: String? = nil) -> APIError {
        APIError(status: .badRequest, slug: "bad-request", detail: detail, fieldErrors: field.map { [FieldError(field: $0, message: detail)] } ?? [])
    }
    public static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(status: .unprocessableContent, slug: "validation", detail: "\(field): \(message)", fieldErrors: [FieldError(field: field, message: message)])
    }
    public static func unauthorized(_ detail: String) -> APIError { APIError(status: .unauthorized, slug: "unauthorized", detail: detail) }
    public static func forbidden(_ detail: String) -> APIError { APIError(status: .forbidden, slug: "forbidden", detail: detail) }
    public static func notFound(_ detail: String) -> APIError { APIError(status: .notFound, slug: "not-found", detail: detail) }
    public static func tooManyRequests(_ detail: String, retryAfter: Int) -> APIError {
        APIError(status: .tooManyRequests, slug: "too-many-requests", detail: detail, retryAfter: retryAfter)
    }
    /// 503 in plain words; `cause` goes to the log line only.
    public static func unavailable(_ detail: String, cause: String? = nil) -> APIError {
        APIError(status: .serviceUnavailable, slug: "unavailable", detail: detail, internalDetail: cause)
    }
    /// 503 with `Retry-After`: the server is at a bound it keeps on purpose.
    public static func busy(_ detail: String, retryAfter: Int) -> APIError {
        APIError(status: .serviceUnavailable, slug: "busy", detail: detail, retryAfter: retryAfter)
    }
    public static func internalError(_ detail: String) -> APIError { APIError(status: .internalServerError, slug: "internal", detail: detail) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        problemResponse(path: request.uri.path, requestID: request.headers[.requestID])
    }

    /// The problem document; also used by the error middleware for errors that are not ours.
    func problemResponse(path: String, requestID: String?) -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: problemBody(path: path, requestID: requestID))))
    }

    /// The problem document's JSON (also the `error` event of a stream).
    func problemBody(path: String, requestID: String?) -> Data {
        struct Problem: Encodable {
            var type: String, title: String, status: Int, detail: String, instance: String
            var request_id: String?
            var errors: [FieldError]?
        }
        let problem = Problem(
            type: "https://coachrag.dev/problems/\(slug)", title: status.reasonPhrase, status: status.code, detail: detail,
            instance: path, request_id: requestID, errors: fieldErrors.isEmpty ? nil : fieldErrors
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(problem)) ?? Data()
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-ID")!
    /// Tells nginx not to buffer a streamed response.
    static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
