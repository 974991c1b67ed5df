import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The embeddable chat widget's files, read once at start from the bundle.
struct WidgetAssets: Sendable {
    let script: ByteBuffer
    let stylesheet: ByteBuffer
    let scriptTag: String
    let stylesheetTag: String

    static func load() throws -> WidgetAssets {
        func read(_ name: String, _ ext: String) throws -> Data {
            guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "widget"), let data = try? Data(contentsOf: url) else {
                throw ServerError.missingResource("widget/\(name).\(ext)")
            }
            return data
        }
        let script = try read("widget", "js"), stylesheet = try read("widget", "css")
        return WidgetAssets(script: ByteBuffer(bytes: script), stylesheet: ByteBuffer(bytes: stylesheet),
                            scriptTag: entityTag(script), stylesheetTag: entityTag(stylesheet))
    }

    /// A strong entity tag: the first 16 hex digits of the content's SHA-256.
    static func entityTag(_ data: Data) -> String {
        "\"" + SHA256.hash(data: data).hexString.prefix(16) + "\""
    }
}

extension Services {
    /// `GET /widget.js`, `GET /widget.css` (cacheable, embeddable by any site) and the demo page
    /// `GET /chat/{creator}?key=crk_…`, which embeds the widget under a strict
    /// Content-Security-Policy (the widget needs no inline script or style, nor anything else).
    func addWidgetRoutes(_ router: Router<AppContext>) {
        @Sendable func asset(_ body: ByteBuffer, type: String, tag: String, request: Request) -> Response {
            var headers: HTTPFields = [
                .contentType: type, .cacheControl: "public, max-age=300", .eTag: tag,
                .xContentTypeOptions: "nosniff", .crossOriginResourcePolicy: "cross-origin",
            ]
            if request.headers[.ifNoneMatch] == tag {
                headers[.contentType] = nil
                return Response(status: .notModified, headers: headers)
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
        router.get("widget.js") { request, _ in
            asset(widget.script, type: "text/javascript; charset=utf-8", tag: widget.scriptTag, request: request)
        }
        router.get("widget.css") { request, _ in
            asset(widget.stylesheet, type: "text/css; charset=utf-8", tag: widget.stylesheetTag, request: request)
        }
        router.get("chat/{creator}") { request, context in
            let creator = try context.parameters.require("creator")
            guard try await state.creatorExists(creator) else { throw APIError.notFound("creator \"\(creator)\" does not exist") }
            let key = request.uri.queryParameters["key"].map(String.init)
            if let key, !Self.isWellFormedKey(key) { throw APIError.invalid("key", "is not an API key (crk_…)") }
            let page = Self.demoPage(creator: creator, key: key)
            return Response(status: .ok, headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
                .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                .referrerPolicy: "no-referrer",
            ], body: .init(byteBuffer: ByteBuffer(string: page)))
        }
    }

    /// `crk_` and URL-safe characters only: what `APIKeys` hands out.
    static func isWellFormedKey(_ key: String) -> Bool {
        key.hasPrefix("crk_") && key.count <= 128 && key.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
    }

    static func demoPage(creator: String, key: String?) -> String {
        let name = htmlEscaped(creator)
        let body = key.map { "<script src=\"/widget.js\" data-creator=\"\(name)\" data-key=\"\(htmlEscaped($0))\" data-title=\"Ask \(name)'s coach\"></script>" }
            ?? "<p class=\"hint\">Add <code>?key=crk_…</code>: an API key of this creator's with the <code>chat</code> scope whose <code>allowed_origins</code> include this page's origin.</p>"
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(name) — coach chat</title>
        </head>
        <body>
        <main>
        <h1>Chat with \(name)'s coach</h1>
        <p>This page shows the coachrag widget as a creator's site would embed it: one script tag.</p>
        \(body)
        </main>
        </body>
        </html>

        """
    }

    static func htmlEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

extension HTTPField.Name {
    static let crossOriginResourcePolicy = HTTPField.Name("Cross-Origin-Resource-Policy")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
