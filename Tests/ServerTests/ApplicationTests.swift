import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import Server
import Testing
import TestSupport

/// The application built apart from running it (`CoachServer.buildApplication`), driven by
/// HummingbirdTesting's router client: no socket, the same routes and middleware.
@Suite("Application") struct ApplicationTests {
    @Test func theBuiltApplicationAnswersThroughItsMiddlewareWithoutASocket() async throws {
        let root = TemporaryDirectory.make("application")
        defer { try? FileManager.default.removeItem(at: root) }
        var configuration = ServerConfiguration()
        configuration.indexRoot = root.appendingPathComponent("indexes")
        configuration.stateDirectory = root.appendingPathComponent("state")
        configuration.pipelinesDirectory = nil
        configuration.logRequests = false
        configuration.readinessCacheSeconds = 0
        try FileManager.default.createDirectory(at: configuration.indexRoot, withIntermediateDirectories: true)
        let (app, services) = try await CoachServer.buildApplication(configuration: configuration)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok && response.headers[HTTPField.Name("X-Request-ID")!] != nil)
            }
            // /v1 speaks OpenAI's error object, with the 401's challenge.
            try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .unauthorized && response.headers[.wwwAuthenticate] == "Bearer")
                #expect(String(buffer: response.body).contains("\"type\":\"authentication_error\""))
            }
            try await client.execute(uri: "/health/live", method: .delete) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "GET")
            }
        }
        await services.shutdown()
    }
}
