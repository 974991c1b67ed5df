import Crypto
import CryptoExtras
import Foundation
import JWTKit

/// Signs and verifies access tokens (JWT, RS256) and makes opaque refresh tokens and API keys.
///
/// The RSA key pair lives in the state directory (`jwt-signing-key.pem`, mode 0600), generated
/// on first start; its public half is served as a JWKS. Verification accepts only RS256 with
/// our key id, checks `exp`, `nbf`, `iat` and `iss`, so `alg: none`, HS256 confusion, other
/// keys, expired and not-yet-valid tokens are all refused.
struct TokenService: Sendable {
    static let issuer = "coachrag"
    static let keyFileName = "jwt-signing-key.pem"
    let keys: JWTKeyCollection
    let keyID: String
    let jwks: String
    let accessLifetime: TimeInterval

    /// The claims of an access token.
    struct AccessClaims: JWTPayload {
        var sub: SubjectClaim
        var iss: IssuerClaim
        var iat: IssuedAtClaim
        var nbf: NotBeforeClaim
        var exp: ExpirationClaim
        var role: String
        var creator: String?
        var sid: String

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            try nbf.verifyNotBefore()
            guard iss.value == TokenService.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "wrong issuer") }
        }
    }

    static func load(stateDirectory: URL, accessLifetime: TimeInterval) async throws -> TokenService {
        let file = stateDirectory.appendingPathComponent(keyFileName)
        let key: JWTKit.Insecure.RSA.PrivateKey
        if let pem = try? String(contentsOf: file, encoding: .utf8) {
            key = try JWTKit.Insecure.RSA.PrivateKey(pem: pem)
        } else {
            key = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
            try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
            let temporary = stateDirectory.appendingPathComponent(keyFileName + ".tmp")
            FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
            try Data(key.pemRepresentation.utf8).write(to: temporary)
            chmod(temporary.path, 0o600)
            guard rename(temporary.path, file.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
        let primitives = try key.publicKey.getKeyPrimitives()
        let n = primitives.modulus.base64URLEncoded, e = primitives.publicExponent.base64URLEncoded
        let keyID = String(SHA256.hash(data: Data("\(n).\(e)".utf8)).hexString.prefix(16))
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: keyID))
        let jwks = #"{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"\#(keyID)","n":"\#(n)","e":"\#(e)"}]}"#
        return TokenService(keys: keys, keyID: keyID, jwks: jwks, accessLifetime: accessLifetime)
    }

    func accessToken(userID: String, role: String, creator: String?, sessionID: String, now: Date = Date()) async throws -> String {
        let claims = AccessClaims(
            sub: .init(value: userID), iss: .init(value: Self.issuer), iat: .init(value: now), nbf: .init(value: now.addingTimeInterval(-5)),
            exp: .init(value: now.addingTimeInterval(accessLifetime)), role: role, creator: creator, sid: sessionID
        )
        return try await keys.sign(claims, kid: JWKIdentifier(string: keyID))
    }

    /// The verified claims, or nil for any token that is not one of ours and live.
    func verify(_ token: String) async -> AccessClaims? {
        guard let header = token.split(separator: ".").first,
              let data = Data(base64URLEncoded: String(header)),
              let fields = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              fields["alg"] as? String == "RS256", fields["kid"] as? String == keyID else { return nil }
        return try? await keys.verify(token, as: AccessClaims.self)
    }

    /// A random opaque token (`prefix` + 256 bits, base64url) and the SHA-256 that is stored.
    static func opaqueToken(prefix: String) -> (token: String, hash: String) {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let token = prefix + Data(bytes).base64URLEncoded
        return (token, hash(token))
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }
}

extension Digest {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}

extension Data {
    var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
