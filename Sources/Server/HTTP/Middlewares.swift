import Foundation
import Hummingbird
import Logging
import State
import Synchronization

/// Outermost: assigns the request id (`X-Request-ID` honoured when sane, returned always),
/// turns every error into `application/problem+json`, records metrics per route, and logs one
/// JSON line per request.
struct ObservabilityMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let metrics: ServerMetrics
    let logRequests: Bool
    /// Answers 405 with `Allow` for a known path under a method it does not have.
    let routes: RouteTable

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var context = context
        let supplied = request.headers[.requestID].flatMap { $0.count <= 128 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) } ? $0 : nil }
        let requestID = supplied ?? UUID().uuidString.lowercased()
        context.requestID = requestID
        // Every line logged for this request carries its id.
        context.logger[metadataKey: "request_id"] = .string(requestID)
        let started = ContinuousClock.now
        var response: Response
        // `/v1` speaks OpenAI's error object; everything else answers problem documents.
        let render: (APIError) -> Response = OpenAIWire.isOpenAIPath(request.uri.path)
            ? { $0.openAIResponse() } : { $0.problemResponse(path: request.uri.path, requestID: requestID) }
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            if let detail = error.internalDetail {
                context.logger.warning("request failed", metadata: ["status": .stringConvertible(error.status.code),
                                                                    "detail": .string(error.detail), "cause": .string(detail)])
            }
            response = render(error)
        } catch let error as StateError where error.apiError != nil {
            response = render(error.apiError ?? .internalError(""))
        } catch let error as HTTPError where error.status == .notFound && !routes.methods(for: request.uri.path).isEmpty {
            let allowed = routes.methods(for: request.uri.path)
            response = render(APIError(status: .methodNotAllowed, slug: "method-not-allowed",
                                       detail: "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(allowed.joined(separator: ", "))"))
            response.headers[.allow] = allowed.joined(separator: ", ")
        } catch let error as HTTPError {
            let slug = error.status == .notFound ? "not-found" : "http"
            let detail = error.status == .notFound ? "no route \(request.method.rawValue) \(request.uri.path)" : (error.body ?? error.status.reasonPhrase)
            response = render(APIError(status: error.status, slug: slug, detail: detail))
        } catch {
            context.logger.error("unhandled error", metadata: ["request_id": .string(requestID), "error": .string("\(error)")])
            response = render(APIError.internalError("internal error (request \(requestID))"))
        }
        response.headers[.requestID] = requestID
        if response.status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        let route = context.endpointPath ?? "unmatched", status = response.status.code
        let metrics = self.metrics, logRequests = self.logRequests, logger = context.logger
        let method = request.method.rawValue, path = request.uri.path, client = context.clientAddress
        /// One metric sample and one log line, when the response has been written.
        @Sendable func finish(streamFailed: Bool) {
            let seconds = (ContinuousClock.now - started).seconds
            metrics.recordRequest(method: method, route: route, status: status, seconds: seconds)
            guard logRequests else { return }
            var metadata: Logger.Metadata = [
                "method": .string(method), "path": .string(path), "route": .string(route), "status": .stringConvertible(status),
                "ms": .stringConvertible((seconds * 100_000).rounded() / 100), "client": .string(client),
            ]
            if streamFailed { metadata["stream"] = "interrupted" }
            logger.info("request", metadata: metadata)
        }
        // A streamed body (Server-Sent Events, the export) is measured when it has been written,
        // not when the handler returned it: its duration is the answer's, not ~0 s.
        guard response.body.contentLength == nil else {
            finish(streamFailed: false)
            return response
        }
        let original = response.body
        response.body = ResponseBody { writer in
            do {
                try await original.write(writer)
            } catch {
                finish(streamFailed: true)
                throw error
            }
            finish(streamFailed: false)
        }
        return response
    }
}

/// A token bucket per client (`AppContext.clientKey`): `burst` requests at once, refilled at
/// `perSecond`. Empty bucket: 429 with `Retry-After`. One on every route, a lower one on the
/// routes that hash a password.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        if let wait = limiter.take(client: context.clientKey) {
            throw APIError.tooManyRequests("rate limit: more than \(limiter.perSecond.formatted()) requests/s from \(context.clientAddress)", retryAfter: wait)
        }
        return try await next(request, context)
    }
}

/// Authenticates the routes behind it; the identity goes into the context. A browser key (one
/// with allowed origins) also draws from its own bucket, shared by all its visitors.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let auth: AuthService
    let browserKeys: RateLimiter

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var context = context
        let identity = try await auth.authenticate(authorization: request.headers[.authorization], origin: request.headers[.origin])
        if let key = identity.browserKeyID, let wait = browserKeys.take(client: key) {
            throw APIError.tooManyRequests("rate limit: this site's chat key is at \(browserKeys.perSecond.formatted()) requests/s", retryAfter: wait)
        }
        context.identity = identity
        return try await next(request, context)
    }
}

/// Refuses, with 403, API keys without `scope` on the routes behind it (login sessions have
/// every scope).
struct ScopeMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let scope: APIKeyScope

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        try context.caller().require(scope)
        return try await next(request, context)
    }
}

extension AppContext {
    /// The authenticated caller (routes behind `AuthMiddleware` always have one).
    func caller() throws -> Identity {
        guard let identity else { throw APIError.unauthorized("missing Authorization: Bearer token") }
        return identity
    }
}

extension StateError {
    /// The client's error, for the state errors a client causes (others are internal).
    var apiError: APIError? {
        switch self {
        case .limitReached(let what, let bound):
            APIError(status: .conflict, slug: "limit", detail: "at most \(bound) \(what); delete some first")
        case .invalidCursor: .invalid("cursor", "is not one this server handed out")
        // Deleted while a request on it was under way (another tab, another replica).
        case .unknownConversation(let id): .notFound("no conversation \(id) of yours")
        default: nil
        }
    }
}
