public import Foundation
import Hummingbird
import Logging
import Metrics
public import Prometheus
import NIOCore

/// `coachrag serve`: the read-only RAG query server. Builds the services, routes and
/// middleware, listens, and on SIGTERM/SIGINT (or task cancellation) stops accepting, lets
/// requests in flight finish, then closes the database.
public enum CoachServer {
    /// Routes every logger to JSON lines on standard error at `level` (`LOG_LEVEL`, when set,
    /// wins); call once per process, at the edge.
    public static func bootstrapLogging(level: String = "info") {
        let level = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
    }

    /// Runs until stopped; `onListening` gets the bound port (useful with port 0).
    public static func run(configuration: ServerConfiguration, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let (app, services) = try await buildApplication(configuration: configuration, onListening: onListening)
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            await services.shutdown()
            throw error
        }
        await services.shutdown()
        app.logger.info("stopped")
    }

    /// The application, built and not yet running (tests drive it with HummingbirdTesting),
    /// and its services, which the caller shuts down after it stops. Says at start which
    /// creators cannot be served.
    static func buildApplication(configuration: ServerConfiguration, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
        -> (application: Application<RouterResponder<AppContext>>, services: Services) {
        let services = try await Services.start(configuration: configuration)
        let logger = {
            var logger = Logger(label: "coachrag.serve")
            if !configuration.logRequests { logger.logLevel = max(logger.logLevel, .warning) }
            return logger
        }()
        // A creator whose index cannot be served (unreadable, or its embedder missing or
        // different) is said at start, not discovered by its first member.
        let readiness = await services.readiness()
        for (creator, state) in readiness.indexes.sorted(by: { $0.key < $1.key }) where !state.hasPrefix("ok") {
            logger.warning("creator cannot be served", metadata: ["creator": .string(creator), "reason": .string(state)])
        }
        logger.info("indexes", metadata: ["registered": .stringConvertible(readiness.indexes.count), "database": .string(readiness.database)])
        let connections = OpenConnections(limit: configuration.maxConnections)
        let app = Application(
            router: makeRouter(services),
            server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionLimitHandler(connections)],
                                                idleTimeout: .nanoseconds(Int64(configuration.idleTimeout * 1e9)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "coachrag"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info("listening", metadata: ["address": .string("http://\(configuration.host):\(port)")])
                await onListening(port)
            },
            logger: logger
        )
        return (app, services)
    }

    /// Bootstraps swift-metrics on a Prometheus registry and returns it, for
    /// `ServerConfiguration.metricsRegistry`; call once per process, at the edge.
    public static func bootstrapMetrics() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }

    /// `coachrag keys rotate`: a new signing key; the current one stays valid for verifying
    /// (and in the JWKS) after the next start. Returns the new key's path.
    public static func rotateSigningKey(stateDirectory: URL) throws -> String {
        try TokenService.rotate(stateDirectory: stateDirectory).path
    }

    static func makeRouter(_ services: Services) -> Router<AppContext> {
        let router = Router(context: AppContext.self)
        router.add(middleware: CORSMiddleware(state: services.state))
        router.add(middleware: ObservabilityMiddleware(metrics: services.metrics, logRequests: services.configuration.logRequests,
                                                       routes: RouteTable(openAPI: services.openAPI)))
        router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(perSecond: services.configuration.rateLimitPerSecond, burst: services.configuration.rateLimitBurst)))
        services.addOperationsRoutes(router)
        services.addWidgetRoutes(router)
        let api = router.group("api/v1")
        let browserKeys = RateLimiter(perSecond: services.configuration.browserKeyRateLimitPerSecond, burst: services.configuration.browserKeyRateLimitBurst)
        let authenticated = api.group().add(middleware: AuthMiddleware(auth: services.auth, browserKeys: browserKeys))
        let hashing = api.group().add(middleware: RateLimitMiddleware(limiter: RateLimiter(perSecond: services.configuration.authRateLimitPerSecond, burst: services.configuration.authRateLimitBurst)))
        let manage = authenticated.group().add(middleware: ScopeMiddleware(scope: .manage))
        services.addAuthRoutes(public: api, hashing: hashing, authenticated: authenticated, manage: manage)
        services.addRetrievalRoutes(authenticated.group().add(middleware: ScopeMiddleware(scope: .search)))
        services.addConversationRoutes(authenticated.group().add(middleware: ScopeMiddleware(scope: .chat)))
        services.addPrivacyRoutes(authenticated, manage: manage)
        services.addInviteRoutes(manage)
        services.addAdminRoutes(manage)
        let openAI = router.group("v1").add(middleware: AuthMiddleware(auth: services.auth, browserKeys: browserKeys))
        services.addOpenAIRoutes(models: openAI, chat: openAI.group().add(middleware: ScopeMiddleware(scope: .chat)))
        return router
    }
}
