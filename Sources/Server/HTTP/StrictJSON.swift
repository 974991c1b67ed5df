import Foundation
import Hummingbird

/// A request body type: its allowed top-level fields (anything else is refused by name).
protocol JSONRequestBody: Decodable {
    static var fields: Set<String> { get }
}

/// Reads and decodes a JSON body strictly: size limit (413), valid JSON object (400), no
/// unknown fields, and decoding errors reported with the field's name (422).
enum StrictJSON {
    static func decode<Body: JSONRequestBody>(_ type: Body.Type, from request: Request, limit: Int, allowEmpty: Bool = false) async throws -> Body {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(status: .contentTooLarge, slug: "too-large", detail: "request body is larger than \(limit) bytes")
        }
        var data = Data(buffer.readableBytesView)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            guard allowEmpty else { throw APIError.badRequest("request body is empty; send a JSON object") }
            data = Data("{}".utf8)
        }
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw APIError(status: .unsupportedMediaType, slug: "media-type", detail: "Content-Type must be application/json, not \(type)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let dictionary = object as? [String: Any] else {
            throw APIError.badRequest("request body is not a JSON object")
        }
        if let unknown = dictionary.keys.sorted().first(where: { !Body.fields.contains($0) }) {
            throw APIError.invalid(unknown, "unknown field (allowed: \(Body.fields.sorted().joined(separator: ", ")))")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw fieldError(error)
        } catch let error as APIError {
            throw error
        }
    }

    static func fieldError(_ error: DecodingError) -> APIError {
        func name(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .invalid(name(context.codingPath + [key]), "is required")
        case .typeMismatch(let type, let context):
            return .invalid(name(context.codingPath), "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return .invalid(name(context.codingPath), "must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? .badRequest("request body is not valid JSON") : .invalid(name(context.codingPath), context.debugDescription)
        @unknown default:
            return .badRequest("request body could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default: "of the documented type"
        }
    }
}

extension KeyedDecodingContainer {
    /// A validated value: decoding fails with a field error when `check` returns a message.
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key, check: (T) -> String?) throws -> T {
        let value = try decode(type, forKey: key)
        if let message = check(value) { throw APIError.invalid(key.stringValue, message) }
        return value
    }
}
