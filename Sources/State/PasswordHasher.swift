import CArgon2
public import Foundation
import NIOPosix

/// Argon2id password hashing through libargon2, at OWASP's minimum or above (19 MiB, two
/// passes, one lane). Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$…`) so parameters
/// can rise later without invalidating stored hashes. The async forms run on a thread pool of
/// their own (half the cores): a hash takes tens of milliseconds of CPU and must not block
/// the cooperative threads, and more of them at once than threads only makes each one slower.
public struct PasswordHasher: Sendable {
    public var memoryKiB: UInt32 = 19_456
    public var iterations: UInt32 = 2
    public var parallelism: UInt32 = 1
    static let saltLength = 16
    static let hashLength = 32
    /// Threads that run the hashes: half the cores (at least one), so a flood of logins
    /// cannot take every core from searches and answers.
    public static let threadCount = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    private static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
        return pool
    }()

    public init() {}

    public func hash(_ password: String) throws(StateError) -> String {
        var salt = [UInt8](repeating: 0, count: Self.saltLength)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let length = argon2_encodedlen(iterations, memoryKiB, parallelism, UInt32(salt.count), UInt32(Self.hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let bytes = Array(password.utf8)
        let status = argon2id_hash_encoded(iterations, memoryKiB, parallelism, bytes, bytes.count, salt, salt.count, Self.hashLength, &encoded, length)
        guard status == ARGON2_OK.rawValue else { throw .hashing(String(cString: argon2_error_message(status))) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `password` matches `encoded`; false for a mismatch or an unreadable hash.
    public func verify(_ password: String, against encoded: String) -> Bool {
        let bytes = Array(password.utf8)
        return encoded.withCString { argon2id_verify($0, bytes, bytes.count) } == ARGON2_OK.rawValue
    }

    public func hash(_ password: String) async throws -> String {
        try await Self.threads.runIfActive { try self.hash(password) }
    }

    public func verify(_ password: String, against encoded: String) async -> Bool {
        (try? await Self.threads.runIfActive { self.verify(password, against: encoded) }) ?? false
    }
}
