import HummingbirdCore
import NIOCore
import Synchronization

/// The number of connections the server holds open, shared by every connection's
/// `ConnectionLimitHandler`.
final class OpenConnections: Sendable {
    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) { self.limit = max(1, limit) }

    /// Counts a new connection; false (and not counted) when the server is at its limit.
    func enter() -> Bool {
        if open.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
        open.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    func leave() { open.wrappingSubtract(1, ordering: .relaxed) }
}

/// Closes a new connection at once when the server already holds `OpenConnections.limit`, so
/// a client that opens sockets by the thousand cannot exhaust file descriptors or memory;
/// clients already connected keep being served.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPConnectionStateHandler.InboundIn
    typealias InboundOut = HTTPConnectionStateHandler.InboundIn

    private let connections: OpenConnections
    private var counted = false

    init(_ connections: OpenConnections) { self.connections = connections }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = connections.enter()
        if !counted { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if counted { connections.leave() }
        counted = false
    }
}
