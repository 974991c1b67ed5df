import CryptoExtras
import Foundation
import JWTKit
@testable import Server
import Testing

/// Tokens that must be refused: unsigned, wrongly signed, algorithm-confused, expired, early,
/// tampered, or from another issuer.
@Suite("Token attacks") struct TokenAttackTests {
    struct Claims: JWTPayload {
        var sub: SubjectClaim, iss: IssuerClaim, iat: IssuedAtClaim, nbf: NotBeforeClaim, exp: ExpirationClaim
        var role: String, creator: String?, sid: String
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// A token with a live session's claims, signed by `key` (the server's own by default).
    func forge(_ server: ServerHarness, key: JWTKit.Insecure.RSA.PrivateKey? = nil, kid: String? = nil, issuer: String = "coachrag",
               notBefore: Date = Date().addingTimeInterval(-5), expires: Date = Date().addingTimeInterval(600), issuedAt: Date = Date(),
               role: String = "member") async throws -> String {
        let tokens = try await server.login("member@demo.test")
        let payload = try #require(tokens.access.split(separator: ".").dropFirst().first)
        var base64 = String(payload).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let payloadData = try #require(Data(base64Encoded: base64))
        let live = try #require(try JSONSerialization.jsonObject(with: payloadData) as? [String: Any])
        let header = try #require(tokens.access.split(separator: ".").first)
        var headerBase64 = String(header).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        headerBase64 += String(repeating: "=", count: (4 - headerBase64.count % 4) % 4)
        let headerData = try #require(Data(base64Encoded: headerBase64))
        let headerFields = try #require(try JSONSerialization.jsonObject(with: headerData) as? [String: Any])
        let serverKID = try #require(headerFields["kid"] as? String)
        let pem = try String(contentsOf: server.stateDirectory.appendingPathComponent("jwt-signing-key.pem"), encoding: .utf8)
        let signingKey = try key ?? JWTKit.Insecure.RSA.PrivateKey(pem: pem)
        let keys = JWTKeyCollection()
        await keys.add(rsa: signingKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid ?? serverKID))
        let subject = try #require(live["sub"] as? String), session = try #require(live["sid"] as? String)
        let claims = Claims(sub: .init(value: subject), iss: .init(value: issuer), iat: .init(value: issuedAt),
                            nbf: .init(value: notBefore), exp: .init(value: expires), role: role, creator: "demo", sid: session)
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid ?? serverKID))
    }

    @Test func ourOwnForgeryIsAcceptedSoTheOthersMeanSomething() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let token = try await forge(server)
        #expect(try await server.request(.GET, "/api/v1/auth/me", token: token).status == 200)
    }

    @Test func refusesBadTokens() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let good = try await forge(server)
        let parts = good.split(separator: ".").map(String.init)

        let noneHeader = Self.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let otherKey = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        var tamperedPayload = parts[1]
        tamperedPayload.removeLast()
        tamperedPayload += parts[1].last == "A" ? "B" : "A"
        let hmacHeader = Self.base64URL(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

        let attacks: [(String, String)] = [
            ("alg none, no signature", "\(noneHeader).\(parts[1])."),
            ("alg none, original signature", "\(noneHeader).\(parts[1]).\(parts[2])"),
            ("HS256 header", "\(hmacHeader).\(parts[1]).\(parts[2])"),
            ("another key, our kid", try await forge(server, key: otherKey)),
            ("another key, its own kid", try await forge(server, key: otherKey, kid: "attacker")),
            ("expired", try await forge(server, expires: Date().addingTimeInterval(-60))),
            ("not yet valid", try await forge(server, notBefore: Date().addingTimeInterval(3600))),
            ("issued in the future", try await forge(server, notBefore: Date().addingTimeInterval(-5), issuedAt: Date().addingTimeInterval(3600))),
            ("wrong issuer", try await forge(server, issuer: "evil")),
            ("tampered payload", "\(parts[0]).\(tamperedPayload).\(parts[2])"),
            ("garbage", "not-a-token"),
            ("empty", ""),
        ]
        for (name, token) in attacks {
            let reply = try await server.request(.GET, "/api/v1/auth/me", token: token)
            #expect(reply.status == 401, "\(name) was accepted: \(reply.status)")
        }
        #expect(try await server.request(.GET, "/api/v1/auth/me").status == 401)
        #expect(try await server.request(.GET, "/api/v1/auth/me", headers: [("Authorization", "Basic eDp5")]).status == 401)
    }

    @Test func jwksPublishesTheVerifyingKey() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let jwks = try await server.request(.GET, "/.well-known/jwks.json")
        let key = try #require((jwks.json["keys"] as? [[String: Any]])?.first)
        #expect(key["kty"] as? String == "RSA" && key["alg"] as? String == "RS256" && key["use"] as? String == "sig")
        // A verifier that knows only the JWKS accepts our access token.
        let keys = try await JWTKeyCollection().add(jwksJSON: jwks.text)
        let token = try await server.token("member@demo.test")
        let claims = try await keys.verify(token, as: Claims.self)
        #expect(claims.role == "member" && claims.creator == "demo")
        let attributes = try FileManager.default.attributesOfItem(atPath: server.stateDirectory.appendingPathComponent("jwt-signing-key.pem").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func theSigningKeyIsNeverSilentlyReplacedAndRotatesWithoutLoggingAnyoneOut() async throws {
        let server = try await ServerHarness.start()
        let state = server.stateDirectory
        let keyFile = state.appendingPathComponent("jwt-signing-key.pem")
        let mode = { (path: String) in ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1) & 0o777 }
        #expect(mode(keyFile.path) == 0o600)
        if ServerHarness.backend == .sqlite { #expect(mode(state.appendingPathComponent("coachrag.sqlite").path) == 0o600) }
        let before = try await server.login("member@demo.test").access
        await server.stop(keepFiles: true)

        // A new key; the old one keeps verifying after the restart, and both are published.
        _ = try CoachServer.rotateSigningKey(stateDirectory: state)
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("jwt-signing-key.previous.pem").path))
        let restarted = try await ServerHarness.start(reusing: server)
        #expect(try await restarted.request(.GET, "/api/v1/auth/me", token: before).status == 200)
        let jwks = try await restarted.request(.GET, "/.well-known/jwks.json")
        #expect((jwks.json["keys"] as? [Any])?.count == 2)
        let after = try await restarted.login("member@demo.test").access
        #expect(after.split(separator: ".").first != before.split(separator: ".").first, "the new key signs")
        await restarted.stop(keepFiles: true)

        // A key file that cannot be read stops the server; it is not replaced.
        try "not a key".write(to: keyFile, atomically: true, encoding: .utf8)
        await #expect(throws: (any Error).self) { _ = try await ServerHarness.start(reusing: server) }
        #expect(try String(contentsOf: keyFile, encoding: .utf8) == "not a key")
        try? FileManager.default.removeItem(at: server.root)
    }
}
