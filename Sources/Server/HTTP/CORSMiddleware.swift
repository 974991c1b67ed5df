import Foundation
import HTTPTypes
import Hummingbird
import State

/// Cross-origin requests from browsers (the web widget on a creator's site). Outermost, so it
/// also marks error responses. A preflight is answered yes only for an origin that some
/// unexpired `chat` key lists in its allowed origins, and 403 (no CORS headers) otherwise; the
/// request that follows is checked against its own key's list by `AuthService`, so another
/// key's origins never widen what a key may do. Responses to an allowed origin name it in
/// `Access-Control-Allow-Origin` and expose `Retry-After` and `X-Request-ID`.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let state: any StateStore

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = (try? await state.chatKeyAllows(origin: origin)) ?? false
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allowed else {
                let refusal = APIError.forbidden("origin \(origin) is not allowed by any chat key (allowed_origins)")
                var response = refusal.problemResponse(path: request.uri.path, requestID: nil)
                response.headers[.vary] = "Origin"
                return response
            }
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: origin, .accessControlAllowMethods: "GET, POST",
                .accessControlAllowHeaders: "authorization, content-type, x-request-id", .accessControlMaxAge: "600", .vary: "Origin",
            ])
        }
        var response = try await next(request, context)
        response.headers[.vary] = "Origin"
        if allowed {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = "Retry-After, X-Request-ID"
        }
        return response
    }
}
