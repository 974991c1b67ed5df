import Foundation
import GRDB

extension StateStore {
    public func createConversation(userID: String, creator: String, title: String?) throws -> Conversation {
        let now = Date()
        let conversation = Conversation(id: Self.newID(), userID: userID, creator: creator, title: title, createdAt: now, updatedAt: now)
        try pool.write { db in try conversation.insert(db) }
        return conversation
    }

    /// The conversation when it belongs to `userID`; nil otherwise (callers answer 404 either
    /// way, so other users' ids are not confirmed).
    public func conversation(id: String, userID: String) throws -> Conversation? {
        try pool.read { db in try Conversation.filter(Column("id") == id && Column("user_id") == userID).fetchOne(db) }
    }

    public func conversations(userID: String) throws -> [Conversation] {
        try pool.read { db in try Conversation.filter(Column("user_id") == userID).order(Column("updated_at").desc).fetchAll(db) }
    }

    public func deleteConversation(id: String, userID: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM conversations WHERE id = ? AND user_id = ?", arguments: [id, userID])
            return db.changesCount > 0
        }
    }

    /// Messages in the order they were written.
    public func messages(conversationID: String) throws -> [StoredMessage] {
        try pool.read { db in try StoredMessage.filter(Column("conversation_id") == conversationID).order(sql: "rowid").fetchAll(db) }
    }

    /// Starts an exchange in one transaction: reads the conversation's complete messages (the
    /// history), stores the question and the answer's placeholder.
    public func beginExchange(question: StoredMessage, placeholder: StoredMessage) throws -> [StoredMessage] {
        try pool.write { db in
            let history = try StoredMessage.filter(Column("conversation_id") == question.conversationID && Column("complete") == true).order(sql: "rowid").fetchAll(db)
            try question.insert(db)
            try placeholder.insert(db)
            try db.execute(sql: "UPDATE conversations SET updated_at = ? WHERE id = ?", arguments: [Date(), question.conversationID])
            return history
        }
    }

    /// Inserts or replaces a message and touches its conversation.
    public func save(_ message: StoredMessage) throws {
        try pool.write { db in
            try message.save(db)
            try db.execute(sql: "UPDATE conversations SET updated_at = ? WHERE id = ?", arguments: [Date(), message.conversationID])
        }
    }
}
