public import State
import Foundation

/// The two state backends every store-touching test runs on.
public enum StateBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgresql

    public var description: String { rawValue }

    /// A fresh, empty database of this backend: a SQLite file in a temporary folder, or a new
    /// database in the process's `TestPostgres` cluster.
    public func location() async throws -> DatabaseLocation {
        switch self {
        case .sqlite: .sqlite(inStateDirectory: TemporaryDirectory.make("state"))
        case .postgresql: try DatabaseLocation(parsing: try await TestPostgres.shared.database())
        }
    }

    /// Runs `body` with a fresh store of this backend, closed afterwards.
    public func withStore(_ body: (any StateStore) async throws -> Void) async throws {
        let location = try await location()
        let store = try await StateStores.open(location)
        do {
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        if case .sqlite(let path) = location { try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent()) }
    }
}
