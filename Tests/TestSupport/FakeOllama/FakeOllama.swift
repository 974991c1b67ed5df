public import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// An in-process stand-in for an Ollama server, for tests only. It listens on loopback and
/// speaks Ollama's documented wire format: `GET /api/version`, `GET /api/tags`, `POST /api/embed`, `POST /api/chat`
/// (NDJSON streaming), JSON bodies, `{"error": "..."}` on failure with Ollama's status codes.
/// Tests script its misbehaviour (slow, failing N times, dropped connections, wrong counts,
/// NaN) through `behaviour`, and read back what it received through `requests`.
public final class FakeOllama: @unchecked Sendable {
    /// How the fake answers; change it between requests.
    public struct Behaviour: Sendable {
        /// Models `/api/tags` lists, by name → digest.
        public var models: [String: String] = ["nomic-embed-text:latest": "0a109f422b47e3a30ba2b10eca18548e944e8a23073ee3f3e947efcf3c45e59f"]
        /// Embedding dimension.
        public var dimension = 768
        /// Added to each response.
        public var delay: TimeInterval = 0
        /// The next N requests (any route) answer this status and `{"error": message}`.
        public var failures: [(status: Int, message: String)] = []
        /// Never answer (the connection stays open): only the client's timeout ends the request.
        public var hang = false
        /// The next N connections are closed without an answer.
        public var dropConnections = 0
        /// `/api/embed` returns one vector fewer than asked.
        public var wrongCount = false
        /// An input containing this marker makes its whole batch fail like Ollama does on NaN.
        public var nanMarker: String? = nil
        /// ... with this status (Ollama ≥ 0.5: 400; older: 500).
        public var nanStatus = 400
        /// Inputs with more whitespace-separated words than this exceed the "context length"
        /// (only when the request says `truncate: false`).
        public var contextWords = 2048
        /// `/api/embed` vectors are scaled by this (1 = normalised, as Ollama sends them).
        public var vectorScale: Float = 1
        /// Chat: the reply tokens streamed one per line, and an optional error line after N tokens.
        public var chatTokens: [String] = ["Sleep ", "seven ", "to ", "nine ", "hours [1]."]
        public var chatErrorAfter: Int? = nil
        public var chatTokenDelay: TimeInterval = 0
        public init() {}
    }

    /// One request as received.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var body: Data
        public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    }

    private let lock = NSLock()
    private var _behaviour = Behaviour()
    private var _requests: [Request] = []
    private let group: MultiThreadedEventLoopGroup
    private var channel: (any Channel)?
    public private(set) var port: Int = 0

    public var behaviour: Behaviour {
        get { lock.withLock { _behaviour } }
        set { lock.withLock { _behaviour = newValue } }
    }

    public var requests: [Request] { lock.withLock { _requests } }

    /// `127.0.0.1:PORT`, the form OLLAMA_HOST takes.
    public var host: String { "127.0.0.1:\(port)" }

    public init() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [unowned self] channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(FakeOllamaHandler(server: self))
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    deinit {
        // Never wait here: the last reference may be dropped on the server's own event loop.
        channel?.close(promise: nil)
        group.shutdownGracefully { _ in }
    }

    // MARK: Decisions, made under the lock

    func record(_ request: Request) -> (Behaviour, drop: Bool, failure: (Int, String)?) {
        lock.withLock {
            _requests.append(request)
            if _behaviour.dropConnections > 0 {
                _behaviour.dropConnections -= 1
                return (_behaviour, true, nil)
            }
            if !_behaviour.failures.isEmpty {
                return (_behaviour, false, _behaviour.failures.removeFirst())
            }
            return (_behaviour, false, nil)
        }
    }

    /// The vector the fake returns for `text`: deterministic, normalised, different per text.
    public static func vector(for text: String, dimension: Int) -> [Float] {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var values = [Float](repeating: 0, count: dimension)
        for i in 0..<dimension {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values[i] = Float(Int64(bitPattern: state >> 11) % 2000 - 1000) / 1000
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }
}
