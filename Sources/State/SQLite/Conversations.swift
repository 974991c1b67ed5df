public import Foundation
import GRDB

extension SQLiteStateStore {
    public func createConversation(userID: String, creator: String, title: String?, limits: ContentLimits) async throws -> Conversation {
        let now = Date()
        let conversation = Conversation(id: RowID.make(), userID: userID, creator: creator, title: title, createdAt: now, updatedAt: now)
        try await pool.write { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversations WHERE user_id = ?", arguments: [userID]) ?? 0
            guard count < limits.conversationsPerUser else { throw StateError.limitReached("conversations per user", limits.conversationsPerUser) }
            try conversation.insert(db)
        }
        return conversation
    }

    public func conversation(id: String, userID: String) async throws -> Conversation? {
        try await pool.read { db in try Conversation.filter(Column("id") == id && Column("user_id") == userID).fetchOne(db) }
    }

    public func conversations(userID: String, limit: Int, cursor: String?) async throws -> Page<Conversation> {
        let after = try cursor.map(PageCursor.conversationPosition)
        return try await pool.read { db in
            var request = Conversation.filter(Column("user_id") == userID)
            if let (date, id) = after {
                request = request.filter(Column("updated_at") < date || (Column("updated_at") == date && Column("id") > id))
            }
            let rows = try request.order(Column("updated_at").desc, Column("id")).limit(limit + 1).fetchAll(db)
            let items = Array(rows.prefix(limit))
            return Page(items: items, nextCursor: rows.count > limit ? items.last.map(PageCursor.conversation) : nil)
        }
    }

    public func deleteConversation(id: String, userID: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM conversations WHERE id = ? AND user_id = ?", arguments: [id, userID])
            return db.changesCount > 0
        }
    }

    public func messages(conversationID: String, userID: String, limit: Int, cursor: String?) async throws -> Page<StoredMessage> {
        let after = try cursor.map(PageCursor.messagePosition) ?? 0
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT rowid AS row_position, * FROM messages
                WHERE conversation_id = (SELECT id FROM conversations WHERE id = ? AND user_id = ?) AND rowid > ?
                ORDER BY rowid LIMIT ?
                """, arguments: [conversationID, userID, after, limit == .max ? -1 : limit + 1])
            let page = rows.prefix(limit)
            let next = rows.count > limit ? page.last.map { PageCursor.message($0["row_position"] as Int64? ?? 0) } : nil
            return Page(items: try page.map { try StoredMessage(row: $0) }, nextCursor: next)
        }
    }

    public func beginExchange(question: StoredMessage, placeholder: StoredMessage, userID: String, limits: ContentLimits) async throws -> [StoredMessage] {
        try await pool.write { db in
            guard try Conversation.filter(Column("id") == question.conversationID && Column("user_id") == userID).fetchCount(db) == 1 else {
                throw StateError.unknownConversation(question.conversationID)
            }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", arguments: [question.conversationID]) ?? 0
            guard count + 2 <= limits.messagesPerConversation else { throw StateError.limitReached("messages per conversation", limits.messagesPerConversation) }
            let history = try StoredMessage.filter(Column("conversation_id") == question.conversationID && Column("complete") == true).order(sql: "rowid").fetchAll(db)
            try question.insert(db)
            try placeholder.insert(db)
            try db.execute(sql: "UPDATE conversations SET updated_at = ? WHERE id = ?", arguments: [Date(), question.conversationID])
            return history
        }
    }

    public func save(_ message: StoredMessage, userID: String) async throws {
        try await pool.write { db in
            guard try Conversation.filter(Column("id") == message.conversationID && Column("user_id") == userID).fetchCount(db) == 1 else {
                throw StateError.unknownConversation(message.conversationID)
            }
            try message.save(db)
            try db.execute(sql: "UPDATE conversations SET updated_at = ? WHERE id = ?", arguments: [Date(), message.conversationID])
        }
    }
}
