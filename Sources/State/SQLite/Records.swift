public import GRDB

// The models as GRDB records (public because conformances of public types are) of the SQLite schema (`SQLiteSchema`).
extension User: FetchableRecord, PersistableRecord { public static let databaseTableName = "users" }
extension Conversation: FetchableRecord, PersistableRecord { public static let databaseTableName = "conversations" }
extension StoredMessage: FetchableRecord, PersistableRecord { public static let databaseTableName = "messages" }
extension APIKey: FetchableRecord, PersistableRecord { public static let databaseTableName = "api_keys" }
extension SessionFamily: FetchableRecord, PersistableRecord { public static let databaseTableName = "session_families" }
extension RefreshTokenRecord: FetchableRecord, PersistableRecord { public static let databaseTableName = "refresh_tokens" }
extension Invite: FetchableRecord, PersistableRecord { public static let databaseTableName = "invites" }
