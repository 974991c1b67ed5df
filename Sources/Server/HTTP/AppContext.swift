public import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage, the request id, the client address
/// and, once authenticated, who is calling.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID = ""
    public var clientAddress: String
    var identity: Identity?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Bodies are read through `StrictJSON` with the configured limit instead.
    public var maxUploadSize: Int { 1 << 20 }
}
