public import Foundation
import GRDB

/// Bounds on what one user can store, so an account cannot fill the disk.
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

extension StateStore {
    /// Starts a conversation; refused with `limitReached` when the user already has
    /// `limits.conversationsPerUser`.
    public func createConversation(userID: String, creator: String, title: String?, limits: ContentLimits = ContentLimits()) async throws -> Conversation {
        let now = Date()
        let conversation = Conversation(id: Self.newID(), userID: userID, creator: creator, title: title, createdAt: now, updatedAt: now)
        try await pool.write { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversations WHERE user_id = ?", arguments: [userID]) ?? 0
            guard count < limits.conversationsPerUser else { throw StateError.limitReached("conversations per user", limits.conversationsPerUser) }
            try conversation.insert(db)
        }
        return conversation
    }

    /// The conversation when it belongs to `userID`; nil otherwise (callers answer 404 either
    /// way, so other users' ids are not confirmed).
    public func conversation(id: String, userID: String) async throws -> Conversation? {
        try await pool.read { db in try Conversation.filter(Column("id") == id && Column("user_id") == userID).fetchOne(db) }
    }

    /// The user's conversations, most recently active first, `limit` at a time; `cursor` is a
    /// previous page's `nextCursor` (opaque; a bad one is `invalidCursor`).
    public func conversations(userID: String, limit: Int, cursor: String? = nil) async throws -> Page<Conversation> {
        let after = try cursor.map { cursor throws(StateError) -> (Date, String) in
            let parts = try Self.decodeCursor(cursor).split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2, let millis = Int64(parts[0]) else { throw .invalidCursor }
            return (Date(timeIntervalSince1970: Double(millis) / 1000), parts[1])
        }
        return try await pool.read { db in
            var request = Conversation.filter(Column("user_id") == userID)
            if let (date, id) = after {
                request = request.filter(Column("updated_at") < date || (Column("updated_at") == date && Column("id") > id))
            }
            let rows = try request.order(Column("updated_at").desc, Column("id")).limit(limit + 1).fetchAll(db)
            let items = Array(rows.prefix(limit))
            let next = rows.count > limit ? items.last.map { Self.encodeCursor("\(Int64(($0.updatedAt.timeIntervalSince1970 * 1000).rounded()))|\($0.id)") } : nil
            return Page(items: items, nextCursor: next)
        }
    }

    public func deleteConversation(id: String, userID: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM conversations WHERE id = ? AND user_id = ?", arguments: [id, userID])
            return db.changesCount > 0
        }
    }

    /// Messages in the order they were written, `limit` at a time from `cursor`.
    public func messages(conversationID: String, limit: Int = .max, cursor: String? = nil) async throws -> Page<StoredMessage> {
        let after = try cursor.map { cursor throws(StateError) -> Int64 in
            guard let rowID = Int64(try Self.decodeCursor(cursor)) else { throw .invalidCursor }
            return rowID
        } ?? 0
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT rowid AS row_position, * FROM messages WHERE conversation_id = ? AND rowid > ? ORDER BY rowid LIMIT ?",
                                        arguments: [conversationID, after, limit == .max ? -1 : limit + 1])
            let page = rows.prefix(limit)
            let next = rows.count > limit ? page.last.map { Self.encodeCursor(String($0["row_position"] as Int64? ?? 0)) } : nil
            return Page(items: try page.map { try StoredMessage(row: $0) }, nextCursor: next)
        }
    }

    static func encodeCursor(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String) throws(StateError) -> String {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard cursor.count <= 200, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { throw .invalidCursor }
        return text
    }

    /// Starts an exchange in one transaction: reads the conversation's complete messages (the
    /// history), stores the question and the answer's placeholder.
    /// Refused with `limitReached` when the conversation already holds
    /// `limits.messagesPerConversation` messages.
    public func beginExchange(question: StoredMessage, placeholder: StoredMessage, limits: ContentLimits = ContentLimits()) async throws -> [StoredMessage] {
        try await pool.write { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", arguments: [question.conversationID]) ?? 0
            guard count + 2 <= limits.messagesPerConversation else { throw StateError.limitReached("messages per conversation", limits.messagesPerConversation) }
            let history = try StoredMessage.filter(Column("conversation_id") == question.conversationID && Column("complete") == true).order(sql: "rowid").fetchAll(db)
            try question.insert(db)
            try placeholder.insert(db)
            try db.execute(sql: "UPDATE conversations SET updated_at = ? WHERE id = ?", arguments: [Date(), question.conversationID])
            return history
        }
    }

    /// Inserts or replaces a message and touches its conversation.
    public func save(_ message: StoredMessage) async throws {
        try await pool.write { db in
            try message.save(db)
            try db.execute(sql: "UPDATE conversations SET updated_at = ? WHERE id = ?", arguments: [Date(), message.conversationID])
        }
    }
}
