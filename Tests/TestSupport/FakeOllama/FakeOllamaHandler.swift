import Foundation
import NIOCore
import NIOHTTP1

/// Reads one HTTP request, lets `FakeOllama` decide, and writes Ollama's answer.
final class FakeOllamaHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private weak var server: FakeOllama?
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(server: FakeOllama) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            respond(context: context, head: head, body: Data(body.readableBytesView))
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, body: Data) {
        let request = FakeOllama.Request(method: head.method.rawValue, path: head.uri, body: body)
        guard let server else {
            context.close(promise: nil)
            return
        }
        let (behaviour, drop, failure) = server.record(request)
        if behaviour.hang { return }
        let loop = context.eventLoop
        let delay = TimeAmount.nanoseconds(Int64(behaviour.delay * 1e9))
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        loop.scheduleTask(in: delay) {
            let (handler, context) = bound.value
            handler.answer(context: context, head: head, request: request, behaviour: behaviour, drop: drop, failure: failure)
        }
    }

    private func answer(context: ChannelHandlerContext, head: HTTPRequestHead, request: FakeOllama.Request, behaviour: FakeOllama.Behaviour, drop: Bool, failure: (Int, String)?) {
        do {
            if drop {
                context.close(promise: nil)
                return
            }
            if let (status, message) = failure {
                writeJSON(context: context, status: status, ["error": message])
                return
            }
            switch (head.method, head.uri) {
            case (.GET, "/api/tags"):
                let models = behaviour.models.sorted { $0.key < $1.key }.map { name, digest in
                    ["name": name, "model": name, "modified_at": "2026-11-01T10:00:00Z", "size": 274_302_450, "digest": digest,
                     "details": ["format": "gguf", "family": "nomic-bert", "parameter_size": "137M", "quantization_level": "F16"]] as [String: Any]
                }
                writeJSON(context: context, status: 200, ["models": models])
            case (.GET, "/api/version"):
                writeJSON(context: context, status: 200, ["version": "0.12.6"])
            case (.POST, "/api/embed"):
                embed(context: context, request: request, behaviour: behaviour)
            case (.POST, "/api/chat"):
                chat(context: context, request: request, behaviour: behaviour)
            default:
                writeJSON(context: context, status: 404, ["error": "404 page not found"])
            }
        }
    }

    private func embed(context: ChannelHandlerContext, request: FakeOllama.Request, behaviour: FakeOllama.Behaviour) {
        guard let json = request.json, let model = json["model"] as? String else {
            writeJSON(context: context, status: 400, ["error": "invalid request body"])
            return
        }
        let known = behaviour.models.keys.contains(model) || behaviour.models.keys.contains(model + ":latest")
        guard known else {
            writeJSON(context: context, status: 404, ["error": "model \"\(model)\" not found, try pulling it first"])
            return
        }
        let inputs: [String] = (json["input"] as? [String]) ?? ((json["input"] as? String).map { [$0] } ?? [])
        let truncate = (json["truncate"] as? Bool) ?? true
        if !truncate, inputs.contains(where: { $0.split(whereSeparator: \.isWhitespace).count > behaviour.contextWords }) {
            writeJSON(context: context, status: 400, ["error": "the input length exceeds the context length"])
            return
        }
        if let marker = behaviour.nanMarker, inputs.contains(where: { $0.contains(marker) }) {
            let message = behaviour.nanStatus == 400 ? "embedding contains NaN or Inf values" : "failed to encode response: json: unsupported value: NaN"
            writeJSON(context: context, status: behaviour.nanStatus, ["error": message])
            return
        }
        var embeddings = inputs.map { FakeOllama.vector(for: $0, dimension: behaviour.dimension).map { $0 * behaviour.vectorScale } }
        if behaviour.wrongCount, !embeddings.isEmpty { embeddings.removeLast() }
        let tokens = inputs.reduce(0) { $0 + $1.split(whereSeparator: \.isWhitespace).count }
        writeJSON(context: context, status: 200, [
            "model": model, "embeddings": embeddings,
            "total_duration": 14_143_917, "load_duration": 1_019_500, "prompt_eval_count": tokens,
        ])
    }

    private func chat(context: ChannelHandlerContext, request: FakeOllama.Request, behaviour: FakeOllama.Behaviour) {
        let json = request.json ?? [:]
        let model = json["model"] as? String ?? ""
        let stream = (json["stream"] as? Bool) ?? true
        if !stream {
            writeJSON(context: context, status: 200, [
                "model": model, "created_at": "2026-11-23T10:00:00Z",
                "message": ["role": "assistant", "content": behaviour.chatTokens.joined()],
                "done": true, "done_reason": "stop", "total_duration": 1_000_000, "prompt_eval_count": 10, "eval_count": behaviour.chatTokens.count,
            ])
            return
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-ndjson")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        var lines: [[String: Any]] = []
        // Like Ollama, generation stops after `options.num_predict` tokens with done_reason "length".
        let limit = ((json["options"] as? [String: Any])?["num_predict"] as? Int).flatMap { $0 >= 0 ? $0 : nil } ?? .max
        let tokens = Array(behaviour.chatTokens.prefix(limit))
        for (index, token) in tokens.enumerated() {
            if let errorAfter = behaviour.chatErrorAfter, index == errorAfter {
                lines.append(["error": "an error was encountered while running the model: unexpected EOF"])
                break
            }
            lines.append(["model": model, "created_at": "2026-11-23T10:00:00Z", "message": ["role": "assistant", "content": token], "done": false])
        }
        if behaviour.chatErrorAfter == nil || behaviour.chatErrorAfter! >= tokens.count {
            lines.append([
                "model": model, "created_at": "2026-11-23T10:00:00Z", "message": ["role": "assistant", "content": ""],
                "done": true, "done_reason": tokens.count < behaviour.chatTokens.count ? "length" : "stop", "total_duration": 1_000_000, "load_duration": 100_000,
                "prompt_eval_count": 10, "prompt_eval_duration": 200_000, "eval_count": tokens.count, "eval_duration": 700_000,
            ])
        }
        let encoded = lines.map { (try? JSONSerialization.data(withJSONObject: $0)) ?? Data() }
        sendLine(0, of: encoded, context: context, delay: .nanoseconds(Int64(behaviour.chatTokenDelay * 1e9)))
    }

    private func sendLine(_ index: Int, of lines: [Data], context: ChannelHandlerContext, delay: TimeAmount) {
        guard index < lines.count else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: lines[index].count + 1)
        buffer.writeBytes(lines[index])
        buffer.writeString("\n")
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = bound.value
            handler.sendLine(index + 1, of: lines, context: context, delay: delay)
        }
    }

    private func writeJSON(context: ChannelHandlerContext, status: Int, _ object: [String: Any]) {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.add(name: "Content-Length", value: String(data.count))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: data.count)
        buffer.writeBytes(data)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
