public import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func createConversation(userID: String, creator: String, title: String?, limits: ContentLimits) async throws -> Conversation {
        let now = Date()
        let conversation = Conversation(id: RowID.make(), userID: userID, creator: creator, title: title, createdAt: now, updatedAt: now)
        try await transaction(.user(userID)) { connection in
            try await connection.query("SELECT 1 FROM users WHERE id = \(userID) FOR UPDATE", logger: logger)
            let count = try await one(connection.query("SELECT COUNT(*)::BIGINT FROM conversations WHERE user_id = \(userID)", logger: logger), Int.self) ?? 0
            guard count < limits.conversationsPerUser else { throw StateError.limitReached("conversations per user", limits.conversationsPerUser) }
            try await connection.query("""
                INSERT INTO conversations (id, user_id, creator, title, created_at, updated_at)
                VALUES (\(conversation.id), \(userID), \(creator), \(title), \(now), \(now))
                """, logger: logger)
        }
        return conversation
    }

    public func conversation(id: String, userID: String) async throws -> Conversation? {
        try await transaction(.user(userID)) { connection in
            try await all(connection.query("SELECT \(unescaped: PostgresRows.conversationColumns) FROM conversations WHERE id = \(id) AND user_id = \(userID)",
                                           logger: logger), PostgresRows.conversation).first
        }
    }

    public func conversations(userID: String, limit: Int, cursor: String?) async throws -> Page<Conversation> {
        let after = try cursor.map(PageCursor.conversationPosition)
        let rows = try await transaction(.user(userID)) { connection in
            let query: PostgresQuery = if let (date, id) = after {
                """
                SELECT \(unescaped: PostgresRows.conversationColumns) FROM conversations
                WHERE user_id = \(userID) AND (updated_at < \(date) OR (updated_at = \(date) AND id > \(id)))
                ORDER BY updated_at DESC, id LIMIT \(limit + 1)
                """
            } else {
                "SELECT \(unescaped: PostgresRows.conversationColumns) FROM conversations WHERE user_id = \(userID) ORDER BY updated_at DESC, id LIMIT \(limit + 1)"
            }
            return try await all(connection.query(query, logger: logger), PostgresRows.conversation)
        }
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: rows.count > limit ? items.last.map(PageCursor.conversation) : nil)
    }

    public func deleteConversation(id: String, userID: String) async throws -> Bool {
        try await transaction(.user(userID)) { connection in
            try await one(connection.query("DELETE FROM conversations WHERE id = \(id) AND user_id = \(userID) RETURNING 1", logger: logger), Int.self) != nil
        }
    }

    public func messages(conversationID: String, userID: String, limit: Int, cursor: String?) async throws -> Page<StoredMessage> {
        let after = try cursor.map(PageCursor.messagePosition) ?? 0
        let rows = try await transaction(.user(userID)) { connection in
            let bound = limit == .max ? "ALL" : String(limit + 1)
            return try await all(connection.query("""
                SELECT \(unescaped: PostgresRows.messageColumns) FROM messages
                WHERE conversation_id = \(conversationID) AND seq > \(after) ORDER BY seq LIMIT \(unescaped: bound)
                """, logger: logger)) { try MessageRow(PostgresRows.message($0)) }
        }
        let page = rows.prefix(limit)
        return Page(items: page.map(\.message), nextCursor: rows.count > limit ? page.last.map { PageCursor.message($0.sequence) } : nil)
    }

    public func beginExchange(question: StoredMessage, placeholder: StoredMessage, userID: String, limits: ContentLimits) async throws -> [StoredMessage] {
        try await transaction(.user(userID)) { connection in
            // The conversation locked: exchanges on any replica are counted one after another.
            guard try await one(connection.query("SELECT 1 FROM conversations WHERE id = \(question.conversationID) FOR UPDATE", logger: logger), Int.self) != nil else {
                throw StateError.unknownConversation(question.conversationID)
            }
            let count = try await one(connection.query("SELECT COUNT(*)::BIGINT FROM messages WHERE conversation_id = \(question.conversationID)", logger: logger), Int.self) ?? 0
            guard count + 2 <= limits.messagesPerConversation else { throw StateError.limitReached("messages per conversation", limits.messagesPerConversation) }
            let history = try await all(connection.query("""
                SELECT \(unescaped: PostgresRows.messageColumns) FROM messages WHERE conversation_id = \(question.conversationID) AND complete ORDER BY seq
                """, logger: logger)) { try PostgresRows.message($0).message }
            try await insertOrReplace(question, on: connection)
            try await insertOrReplace(placeholder, on: connection)
            try await connection.query("UPDATE conversations SET updated_at = \(Date()) WHERE id = \(question.conversationID)", logger: logger)
            return history
        }
    }

    public func save(_ message: StoredMessage, userID: String) async throws {
        try await transaction(.user(userID)) { connection in
            guard try await one(connection.query("SELECT 1 FROM conversations WHERE id = \(message.conversationID)", logger: logger), Int.self) != nil else {
                throw StateError.unknownConversation(message.conversationID)
            }
            try await insertOrReplace(message, on: connection)
            try await connection.query("UPDATE conversations SET updated_at = \(Date()) WHERE id = \(message.conversationID)", logger: logger)
        }
    }

    private func insertOrReplace(_ m: StoredMessage, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO messages (id, conversation_id, role, content, citations_json, confidence, mode, notice, complete, usage_json, timings_json, retrieval_query, created_at)
            VALUES (\(m.id), \(m.conversationID), \(m.role), \(m.content), \(m.citationsJSON), \(m.confidence), \(m.mode), \(m.notice), \(m.complete),
                    \(m.usageJSON), \(m.timingsJSON), \(m.retrievalQuery), \(m.createdAt))
            ON CONFLICT (id) DO UPDATE SET content = excluded.content, citations_json = excluded.citations_json, confidence = excluded.confidence,
                mode = excluded.mode, notice = excluded.notice, complete = excluded.complete, usage_json = excluded.usage_json,
                timings_json = excluded.timings_json, retrieval_query = excluded.retrieval_query
            """, logger: logger)
    }

    private struct MessageRow: Sendable {
        let sequence: Int64
        let message: StoredMessage
        init(_ row: (sequence: Int64, message: StoredMessage)) { sequence = row.sequence; message = row.message }
    }
}
