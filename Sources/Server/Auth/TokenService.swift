import Crypto
import CryptoExtras
import Foundation
import JWTKit

/// Signs and verifies access tokens (JWT, RS256) and makes opaque refresh tokens and API keys.
///
/// The RSA key pair lives in the state directory (`jwt-signing-key.pem`, mode 0600 from its
/// first byte, fsynced with its directory), generated on first start; a key file that exists
/// but cannot be read stops the server rather than being replaced. `coachrag keys rotate`
/// moves it to `jwt-signing-key.previous.pem` and makes a new one: after a restart the new key
/// signs, and both verify and are served in the JWKS, so tokens issued before the rotation stay
/// valid until they expire. Verification accepts only RS256 with one of our key ids, checks
/// `exp`, `nbf`, `iat` (not in the future) and `iss`, so `alg: none`, HS256 confusion, other
/// keys, expired and not-yet-valid tokens are all refused.
struct TokenService: Sendable {
    static let issuer = "coachrag"
    static let keyFileName = "jwt-signing-key.pem"
    static let previousKeyFileName = "jwt-signing-key.previous.pem"
    /// Clock skew allowed between replicas for `iat`.
    static let clockSkew: TimeInterval = 60
    let keys: JWTKeyCollection
    let keyID: String
    /// The key ids that verify: the current one and, after a rotation, the previous one.
    let verifyingKeyIDs: Set<String>
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
            guard iat.value <= Date().addingTimeInterval(TokenService.clockSkew) else {
                throw JWTError.claimVerificationFailure(failedClaim: iat, reason: "issued in the future")
            }
            guard iss.value == TokenService.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "wrong issuer") }
        }
    }

    static func load(stateDirectory: URL, accessLifetime: TimeInterval) async throws -> TokenService {
        let file = stateDirectory.appendingPathComponent(keyFileName)
        let key = try readKey(file) ?? createKey(at: file)
        let previous = try readKey(stateDirectory.appendingPathComponent(previousKeyFileName))
        let keys = JWTKeyCollection()
        var entries: [String] = []
        var ids: Set<String> = []
        var keyID = ""
        for (index, candidate) in ([key] + (previous.map { [$0] } ?? [])).enumerated() {
            let primitives = try candidate.publicKey.getKeyPrimitives()
            let n = primitives.modulus.base64URLEncoded, e = primitives.publicExponent.base64URLEncoded
            let id = String(SHA256.hash(data: Data("\(n).\(e)".utf8)).hexString.prefix(16))
            if index == 0 { keyID = id }
            guard ids.insert(id).inserted else { continue }
            await keys.add(rsa: candidate, digestAlgorithm: .sha256, kid: JWKIdentifier(string: id))
            entries.append(#"{"kty":"RSA","use":"sig","alg":"RS256","kid":"\#(id)","n":"\#(n)","e":"\#(e)"}"#)
        }
        return TokenService(keys: keys, keyID: keyID, verifyingKeyIDs: ids, jwks: #"{"keys":["# + entries.joined(separator: ",") + "]}", accessLifetime: accessLifetime)
    }

    /// The key in `file`; nil when there is no such file. A file that exists but cannot be read
    /// or parsed is an error: silently making a new key would log every member out.
    private static func readKey(_ file: URL) throws -> JWTKit.Insecure.RSA.PrivateKey? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        do {
            return try JWTKit.Insecure.RSA.PrivateKey(pem: try String(contentsOf: file, encoding: .utf8))
        } catch {
            throw SigningKeyError(file: file.path, reason: "exists but cannot be read as an RSA private key (\(error)); fix its permissions or move it away")
        }
    }

    /// A new 2048-bit key written to `file`: created 0600 (never readable by others, whatever
    /// the umask), fsynced, renamed into place, and the directory fsynced.
    private static func createKey(at file: URL) throws -> JWTKit.Insecure.RSA.PrivateKey {
        let key = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        try writeSecret(Data(key.pemRepresentation.utf8), to: file)
        return key
    }

    private static func writeSecret(_ data: Data, to file: URL) throws {
        let directory = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = file.path + ".tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SigningKeyError(file: temporary, reason: "cannot be created: \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced, rename(temporary, file.path) == 0 else {
            unlink(temporary)
            throw SigningKeyError(file: file.path, reason: "could not be written: \(String(cString: strerror(errno)))")
        }
        let directoryFD = open(directory.path, O_RDONLY | O_DIRECTORY)
        if directoryFD >= 0 { fsync(directoryFD); close(directoryFD) }
    }

    /// `coachrag keys rotate`: the current key becomes the previous one (replacing any older
    /// previous key) and a new key is made. Takes effect when the server (re)starts. Returns
    /// the new key's file.
    static func rotate(stateDirectory: URL) throws -> URL {
        let file = stateDirectory.appendingPathComponent(keyFileName)
        if let current = try readKey(file) {
            try writeSecret(Data(current.pemRepresentation.utf8), to: stateDirectory.appendingPathComponent(previousKeyFileName))
        }
        _ = try createKey(at: file)
        return file
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
              fields["alg"] as? String == "RS256", let kid = fields["kid"] as? String, verifyingKeyIDs.contains(kid) else { return nil }
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

/// The signing key file exists but cannot be used, or a new one cannot be written.
struct SigningKeyError: Error, CustomStringConvertible {
    var file: String
    var reason: String
    var description: String { "signing key \(file) \(reason)" }
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
