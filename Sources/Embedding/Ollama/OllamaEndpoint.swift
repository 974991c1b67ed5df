public import Foundation

/// Where Ollama listens, read the way Ollama reads `OLLAMA_HOST`: `host`, `host:port`, `:port`,
/// or a URL with `http://`/`https://`; default `127.0.0.1:11434`. Without a port, http uses
/// 11434 and https 443.
public struct OllamaEndpoint: Sendable, Hashable, CustomStringConvertible {
    public static let environmentVariable = "OLLAMA_HOST"
    public static let defaultPort = 11434

    public var scheme: String
    public var host: String
    public var port: Int

    public init(scheme: String = "http", host: String = "127.0.0.1", port: Int = OllamaEndpoint.defaultPort) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Parses a value of OLLAMA_HOST (or the `--ollama-host` flag).
    public init(parsing raw: String) throws(OllamaError) {
        var value = raw.trimmingCharacters(in: .whitespaces)
        var scheme = "http"
        // As Ollama reads it: no scheme means port 11434; `http://host` means 80, `https://` 443.
        var defaultPort = Self.defaultPort
        if let range = value.range(of: "://") {
            scheme = value[..<range.lowerBound].lowercased()
            value = String(value[range.upperBound...])
            defaultPort = scheme == "https" ? 443 : 80
        }
        guard scheme == "http" || scheme == "https" else {
            throw .invalidHost(raw, "the scheme must be http or https")
        }
        if let slash = value.firstIndex(of: "/") { value = String(value[..<slash]) }
        var host = value, port = defaultPort
        if let colon = value.lastIndex(of: ":"), !value.hasSuffix("]") {
            host = String(value[..<colon])
            guard let parsed = Int(value[value.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw .invalidHost(raw, "the port must be a number from 1 to 65535")
            }
            port = parsed
        }
        if host.isEmpty { host = "127.0.0.1" }
        // Ollama listens on 0.0.0.0 to mean "all interfaces"; a client connects to loopback.
        if host == "0.0.0.0" { host = "127.0.0.1" }
        self.init(scheme: scheme, host: host, port: port)
    }

    /// `OLLAMA_HOST` if set and non-empty, else the default.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(OllamaError) -> OllamaEndpoint {
        guard let value = environment[environmentVariable], !value.isEmpty else { return OllamaEndpoint() }
        return try OllamaEndpoint(parsing: value)
    }

    public var baseURL: String { "\(scheme)://\(host):\(port)" }
    public var description: String { baseURL }
}
