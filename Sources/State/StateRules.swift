public import Foundation

/// Bounds on what one account or tenant can store, so nobody can fill the disk; the same for
/// every backend.
public enum StateLimits {
    /// Keys one user may hold.
    public static let apiKeysPerUser = 100
    /// Invites a creator may hold that are neither expired nor revoked.
    public static let liveInvitesPerCreator = 1_000
}

/// Bounds on what one user can store in conversations (settable per server).
public struct ContentLimits: Sendable, Hashable {
    public var conversationsPerUser = 1_000
    /// Messages (questions and answers) per conversation.
    public var messagesPerConversation = 1_000
    public var titleCharacters = 200
    public init() {}
}

/// A page of a list, and where the next one starts (nil: this was the last).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?
}

/// The one rule for an email address, used by every backend and by the server's validation.
public enum EmailAddress {
    /// Lower-cased and trimmed; a single `@` with text on both sides and a dot in the domain.
    public static func normalised(_ raw: String) throws(StateError) -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !email.contains(where: { $0.isWhitespace }) else {
            throw .invalidEmail(raw)
        }
        return email
    }
}

/// Opaque pagination cursors: URL-safe base64 of a position, checked on the way back.
enum PageCursor {
    /// A conversation list position: its `updated_at` (milliseconds) and id.
    static func conversation(_ conversation: Conversation) -> String {
        encode("\(millis(conversation.updatedAt))|\(conversation.id)")
    }

    static func conversationPosition(_ cursor: String) throws(StateError) -> (updatedAt: Date, id: String) {
        let parts = try decode(cursor).split(separator: "|", maxSplits: 1).map(String.init)
        guard parts.count == 2, let millis = Int64(parts[0]) else { throw .invalidCursor }
        return (Date(timeIntervalSince1970: Double(millis) / 1000), parts[1])
    }

    /// A message position: the backend's insertion sequence number.
    static func message(_ sequence: Int64) -> String { encode(String(sequence)) }

    static func messagePosition(_ cursor: String) throws(StateError) -> Int64 {
        guard let sequence = Int64(try decode(cursor)) else { throw .invalidCursor }
        return sequence
    }

    /// Dates are kept to the millisecond by both backends.
    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    private static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private static func decode(_ cursor: String) throws(StateError) -> String {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard cursor.count <= 200, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { throw .invalidCursor }
        return text
    }
}

/// New row ids: random UUIDs, lower-case.
enum RowID {
    static func make() -> String { UUID().uuidString.lowercased() }
}
