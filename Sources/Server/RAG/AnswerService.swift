import Foundation
import Logging
import Retrieval

/// Retrieval-augmented answering: retrieve, score confidence, and either say the material does
/// not cover the question, generate through Ollama (streaming), or — when Ollama is unreachable,
/// errs or times out — answer extractively with the best passages. Never hangs: every upstream
/// wait has a timeout.
struct AnswerService: Sendable {
    let retriever: Retriever
    let chat: OllamaChatClient
    let prompts: PromptBuilder
    let settings: CreatorSettings
    let metrics: ServerMetrics

    /// Answers `question` for `creator`; `onToken` receives generated text as it arrives (a
    /// throw from it, e.g. a client that went away, stops generation and propagates).
    /// `logger`: the request's, for what went wrong upstream (never told to the client).
    /// `client`: what the calling application chose (its own instructions, sampling, a lower
    /// answer length); the creator's persona, material and confidence guard always apply.
    func answer(question: String, creator: String, history: [(role: String, content: String)], client: ClientGeneration = ClientGeneration(),
                logger: Logger, onToken: (String) async throws -> Void) async throws -> Answer {
        let clock = ContinuousClock()
        let started = clock.now
        let creatorSettings = settings.settings(for: creator)
        // Follow-ups are retrieved with the conversation's earlier turns (deterministic, no LLM).
        let context = history.compactMap { turn in Turn.Role(rawValue: turn.role).map { Turn(role: $0, content: turn.content) } }
        let retrieval = try await retriever.retrieve(ConversationQuery(question: question, context: context), creator: creator,
                                                     k: creatorSettings.k, ef: creatorSettings.efSearch, settings: creatorSettings.search)
        let retrievalMilliseconds = (clock.now - started).milliseconds
        let passages = retrieval.passages
        let confidence = retrieval.confidence
        func timings(generation: Double) -> Timings {
            Timings(retrieval_ms: retrievalMilliseconds, embed_ms: retrieval.embedMilliseconds, search_ms: retrieval.searchMilliseconds,
                    generation_ms: generation, total_ms: (clock.now - started).milliseconds)
        }

        if confidence < creatorSettings.minimumConfidence {
            metrics.answered(mode: "extractive")
            let content = "The knowledge base does not cover this question, so I will not guess an answer. Try asking about a topic the coaching material covers."
            return Answer(content: content, citations: [], confidence: confidence, mode: .extractive,
                          notice: String(format: "not covered: confidence %.2f is below %.2f", confidence, creatorSettings.minimumConfidence),
                          usage: nil, timings: timings(generation: 0), complete: true, retrievalQuery: retrieval.query, covered: false)
        }

        let answerTokens = min(creatorSettings.answerTokens, client.maxTokens ?? .max)
        let prompt = prompts.build(persona: creatorSettings.persona, instructions: client.instructions, passages: passages, history: history,
                                   question: question, historyBudget: creatorSettings.historyTokenBudget, answerTokens: answerTokens)
        let generationStart = clock.now
        var generated = ""
        var usage: Usage?
        var stoppedAtLimit = false
        do {
            for try await event in chat.stream(messages: prompt.messages, contextTokens: prompt.contextTokens, answerTokens: answerTokens,
                                               sampling: client.sampling) {
                switch event {
                case .token(let text):
                    generated += text
                    try await onToken(text)
                case .done(let promptTokens, let completionTokens, let atLimit):
                    usage = Usage(prompt_tokens: promptTokens ?? prompt.promptTokens, completion_tokens: completionTokens ?? 0)
                    stoppedAtLimit = atLimit
                }
            }
        } catch let error as OllamaChatClient.ChatError {
            metrics.answered(mode: "extractive")
            logger.warning("generation unavailable; answering extractively", metadata: ["creator": .string(creator), "cause": .string("\(error)")])
            let interrupted = generated.isEmpty ? "" : generated + "\n\n"
            // Quote only the passages that score close to the best one.
            let best = passages.map(\.score).max() ?? 0
            let quoted = passages.filter { $0.score >= best * 0.6 }
            return Answer(content: interrupted + extractive(quoted), citations: citations(quoted),
                          confidence: confidence, mode: .extractive, notice: "\(error.plainDescription), so the answer quotes the material instead",
                          usage: nil, timings: timings(generation: (clock.now - generationStart).milliseconds), complete: true, retrievalQuery: retrieval.query)
        }
        let generation = clock.now - generationStart
        metrics.generation.record(generation.seconds)
        metrics.answered(mode: "generated")
        let cited = Self.citedNumbers(in: generated).filter { $0 >= 1 && $0 <= passages.count }
        let used = cited.isEmpty ? Array(passages.indices) : cited.map { $0 - 1 }
        return Answer(content: generated, citations: used.map { Citation(n: $0 + 1, passage: passages[$0]) },
                      confidence: confidence, mode: .generated, notice: nil, usage: usage,
                      timings: timings(generation: generation.milliseconds), complete: true, retrievalQuery: retrieval.query,
                      stoppedAtLimit: stoppedAtLimit)
    }

    /// What a calling application chose for one answer.
    struct ClientGeneration: Sendable {
        /// The application's own system messages, added after the persona.
        var instructions: String?
        var sampling = Sampling()
        /// A lower bound on the answer's length than the creator's `answer_tokens`.
        var maxTokens: Int?
    }

    private func citations(_ passages: [Passage]) -> [Citation] {
        passages.enumerated().map { Citation(n: $0.offset + 1, passage: $0.element) }
    }

    /// The extractive answer: each passage's excerpt, numbered like the citations.
    private func extractive(_ passages: [Passage]) -> String {
        var text = "From the coaching material:"
        for (offset, passage) in passages.enumerated() {
            text += "\n\n[\(offset + 1)] \(PromptBuilder.label(passage, excerpt: true)): \"\(passage.excerpt.text)\""
        }
        return text
    }

    /// The `[n]` markers of a generated answer, in first-use order.
    static func citedNumbers(in text: String) -> [Int] {
        var numbers: [Int] = []
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "[") {
            guard let close = text[open...].firstIndex(of: "]") else { break }
            for part in text[text.index(after: open)..<close].split(separator: ",") {
                if let number = Int(part.trimmingCharacters(in: .whitespaces)), !numbers.contains(number) { numbers.append(number) }
            }
            index = text.index(after: open)
        }
        return numbers
    }
}
