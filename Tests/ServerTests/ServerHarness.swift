import AsyncHTTPClient
import Embedding
import Foundation
import NIOCore
import NIOHTTP1
import Retrieval
import Server
import State
import TestSupport
import Tokenization
import VectorIndex

/// A real server on loopback for one test: its own state and index folders, creators `demo`
/// and `other` with small indexes embedded by the real local model, one user per role and
/// tenant, and a fake Ollama. Stop it with `stop()`.
final class ServerHarness: Sendable {
    static let password = "Correct-horse-77"
    static let passages: [String: [String]] = [
        "demo": [
            "Adults need seven to nine hours of sleep each night. Keep a regular bedtime and a dark, cool bedroom.",
            "Increase your weekly running distance by no more than ten percent to avoid injury.",
            "The two-minute rule: start a new habit with a version that takes less than two minutes.",
            "Box breathing: inhale for four seconds, hold for four, exhale for four, hold for four.",
        ],
        "other": [
            "Guitar practice: play scales slowly with a metronome before increasing the tempo.",
            "Tune the guitar before every session; a clip-on tuner is the easiest way.",
        ],
    ]

    let root: URL
    let ollama: FakeOllama
    let port: Int
    let client: HTTPClient
    let configuration: ServerConfiguration
    private let task: Task<Void, any Error>

    var indexRoot: URL { root.appendingPathComponent("indexes") }
    var stateDirectory: URL { root.appendingPathComponent("state") }

    /// Emails of the fixed users: admin@x.test, creator@demo.test, creator@other.test,
    /// member@demo.test, member@other.test.
    static let users: [(email: String, role: Role, creator: String?)] = [
        ("admin@x.test", .admin, nil),
        ("creator@demo.test", .creator, "demo"), ("creator@other.test", .creator, "other"),
        ("member@demo.test", .member, "demo"), ("member@other.test", .member, "other"),
    ]

    /// The state backend of this test run: SQLite, or PostgreSQL when `COACHRAG_TEST_STATE=postgresql`
    /// (`make test` runs the server tests once with each).
    static let backend: StateBackend = ProcessInfo.processInfo.environment["COACHRAG_TEST_STATE"].flatMap(StateBackend.init(rawValue:)) ?? .sqlite

    /// Opens the server's state store (another connection to its database, as `coachrag user
    /// create` would), for a test that checks or changes what the server stored.
    func openState() async throws -> any StateStore {
        try await StateStores.open(configuration.databaseLocation, postgres: configuration.postgres)
    }

    static func start(_ customise: (inout ServerConfiguration) -> Void = { _ in }) async throws -> ServerHarness {
        let root = TemporaryDirectory.make("server")
        let ollama = try FakeOllama()
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.indexRoot = root.appendingPathComponent("indexes")
        configuration.stateDirectory = root.appendingPathComponent("state")
        configuration.pipelinesDirectory = nil
        configuration.ollama = try OllamaEndpoint(parsing: ollama.host)
        configuration.logRequests = false
        configuration.firstTokenTimeout = 5
        configuration.rateLimitPerSecond = 0
        configuration.authRateLimitPerSecond = 0
        configuration.readinessCacheSeconds = 0
        if backend == .postgresql {
            configuration.database = try await backend.location()
            // A full test run starves the machine: a connection may wait for a thread that long.
            configuration.postgres.connectTimeout = .seconds(60)
        }
        customise(&configuration)

        for (creator, texts) in passages { try await publishIndex(creator: creator, texts: texts, root: configuration.indexRoot) }
        let state = try await StateStores.open(configuration.databaseLocation, postgres: configuration.postgres)
        let hash = try await PasswordHasher().hash(password)
        for user in users { try await state.createUser(email: user.email, passwordHash: hash, role: user.role, creator: user.creator) }
        try await state.close()
        return try await launch(root: root, ollama: ollama, configuration: configuration)
    }

    /// A new server over the same files (state, keys, indexes) as `previous`, after it stopped
    /// with `keepFiles`. Throws what the server threw when it cannot start.
    static func start(reusing previous: ServerHarness) async throws -> ServerHarness {
        try await launch(root: previous.root, ollama: previous.ollama, configuration: previous.configuration)
    }

    /// A second server sharing everything with `primary` (database, signing key, indexes) while
    /// it runs: a replica. Stop it with `stop(keepFiles: true)`; the primary owns the files.
    static func replica(of primary: ServerHarness) async throws -> ServerHarness {
        try await launch(root: primary.root, ollama: primary.ollama, configuration: primary.configuration)
    }

    private static func launch(root: URL, ollama: FakeOllama, configuration: ServerConfiguration) async throws -> ServerHarness {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = Task { [configuration] in
            defer { continuation.finish() }
            try await CoachServer.run(configuration: configuration) { port in continuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await server.value
            throw CocoaError(.featureUnsupported)
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        return ServerHarness(root: root, ollama: ollama, port: port, client: client, configuration: configuration, task: server)
    }

    private init(root: URL, ollama: FakeOllama, port: Int, client: HTTPClient, configuration: ServerConfiguration, task: Task<Void, any Error>) {
        self.root = root; self.ollama = ollama; self.port = port; self.client = client; self.configuration = configuration; self.task = task
    }

    /// Stops the server; its files go too unless `keepFiles` (to start another over them).
    func stop(keepFiles: Bool = false) async {
        try? await client.shutdown()
        task.cancel()
        _ = await task.result
        if !keepFiles { try? FileManager.default.removeItem(at: root) }
    }

    /// Embeds `texts` with the local model and publishes them as the creator's next version.
    static func publishIndex(creator: String, texts: [String], root: URL) async throws {
        let embedder = try LocalEmbedder(modelDirectory: TestPaths.models.appendingPathComponent(LocalEmbedder.modelName), tokenizer: WordPieceTokenizer.bundled())
        let vectors = try await embedder.embed(documents: texts)
        try publish(creator: creator, texts: texts, vectors: vectors, descriptor: embedder.descriptor, root: root)
    }

    static func publish(creator: String, texts: [String], vectors: [[Float]], descriptor: EmbedderDescriptor, root: URL) throws {
        let builder = try HNSWBuilder(dimension: descriptor.dimension)
        var chunks: [ChunkRecord] = []
        for (index, text) in texts.enumerated() {
            _ = try builder.add(vectors[index])
            chunks.append(ChunkRecord(documentIndex: UInt32(index % 2), pageStart: UInt32(index + 1), pageEnd: UInt32(index + 1),
                                      start: UInt64(index * 1000), end: UInt64(index * 1000 + text.count), tokenCount: 20, text: text))
        }
        // The guide's page map: page n + 1 starts at offset n × 1000, as the chunk records say.
        let guidePages = (0..<9).map { PageStart(start: UInt32($0 * 1000), number: UInt32($0 + 1)) }
        let documents = [DocumentRecord(path: "\(creator)/guide.pdf", size: 1000, contentHash: [UInt8](repeating: 1, count: 32), pageCount: 9, pages: guidePages, title: "Guide"),
                         DocumentRecord(path: "\(creator)/notes.txt", size: 500, contentHash: [UInt8](repeating: 2, count: 32), pageCount: 0, title: "Notes")]
        let analyzer = LexicalAnalyzer(tokenizer: try WordPieceTokenizer.bundled())
        let contents = IndexContents(embedderDescriptor: descriptor.canonicalJSON, sourceDigest: [UInt8](repeating: 7, count: 32), createdAt: 0, chunks: chunks, documents: documents,
                                     lexical: LexicalContents(chunkTerms: texts.map { analyzer.termFrequencies($0) }))
        try IndexStore(root: root).publish(creator: creator) { url throws(IndexFileError) in try IndexWriter.write(builder, contents: contents, to: url) }
    }

    // MARK: HTTP

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func request(_ method: HTTPMethod, _ path: String, json: Any? = nil, raw: String? = nil, token: String? = nil,
                 headers extra: [(String, String)] = [], timeout: TimeAmount = .seconds(30)) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        } else if let raw {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: raw))
        }
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
    }

    /// Logs in and returns (access, refresh).
    func login(_ email: String, password: String = ServerHarness.password) async throws -> (access: String, refresh: String) {
        let reply = try await request(.POST, "/api/v1/auth/login", json: ["email": email, "password": password])
        guard reply.status == 200, let access = reply.json["access_token"] as? String, let refresh = reply.json["refresh_token"] as? String else {
            throw HarnessError.unexpected("login \(email): \(reply.status) \(reply.text)")
        }
        return (access, refresh)
    }

    func token(_ email: String) async throws -> String { try await login(email).access }

    enum HarnessError: Error { case unexpected(String) }
}
