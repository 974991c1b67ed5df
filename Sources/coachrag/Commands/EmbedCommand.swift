import ArgumentParser
import Embedding
import Foundation
import Tokenization

/// `coachrag embed TEXT...`: vectors for scripts and debugging, one JSON object per line.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts and print their vectors as JSON lines.",
        discussion: """
            Each text prints {"text", "dimension", "vector"}; the first line is the embedder \
            descriptor {"descriptor": {...}} so scripts know what produced the vectors. \
            Documents get the model's document prefix; --query applies the query prefix instead.
            Exit status: 0 success; 1 a text could not be embedded; 2 usage error; \
            3 the embedder is unreachable or misconfigured.
            """
    )

    @Argument(help: "Texts to embed (or --stdin).")
    var texts: [String] = []

    @Flag(help: "Read texts from standard input, one per line.")
    var stdin = false

    @Flag(help: "Embed as search queries (query prefix) rather than documents.")
    var query = false

    @OptionGroup var embedder: EmbedderOptions

    func validate() throws {
        if texts.isEmpty && !stdin { throw ValidationError("give texts to embed, or --stdin") }
    }

    func run() async throws {
        var inputs = texts
        if stdin {
            while let line = readLine() { inputs.append(line) }
        }
        let embedder = try await self.embedder.make()
        Output.jsonLine(["descriptor": embedder.descriptor])
        do {
            let vectors: [[Float]]
            if query {
                var collected: [[Float]] = []
                for text in inputs { collected.append(try await embedder.embed(query: text)) }
                vectors = collected
            } else {
                vectors = try await embedder.embed(documents: inputs)
            }
            for (text, vector) in zip(inputs, vectors) {
                Output.jsonLine(EmbeddingLine(text: text, dimension: vector.count, vector: vector))
            }
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.someInputFailed)
        }
    }

    struct EmbeddingLine: Encodable {
        var text: String
        var dimension: Int
        var vector: [Float]
    }
}
