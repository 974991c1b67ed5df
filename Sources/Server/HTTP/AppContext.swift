public import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage, the request id, the client address
/// and, once authenticated, who is calling.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID = ""
    public var clientAddress: String
    /// Who a rate limit or a lockout counts: the IPv4 address, or the /64 of an IPv6 one (one
    /// subscriber's whole allocation, which they can hop around in at will).
    public var clientKey: String
    var identity: Identity?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        clientKey = source.channel.remoteAddress.map(Self.clientKey) ?? "unknown"
    }

    static func clientKey(_ address: SocketAddress) -> String {
        guard case .v6(let v6) = address else { return address.ipAddress ?? "unknown" }
        let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        // An IPv4-mapped address (::ffff:a.b.c.d) is its IPv4 address.
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12..<16].map(String.init).joined(separator: ".")
        }
        return bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
    }

    /// Bodies are read through `StrictJSON` with the configured limit instead.
    public var maxUploadSize: Int { 1 << 20 }
}
