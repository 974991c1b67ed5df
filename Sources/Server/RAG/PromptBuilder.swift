import Foundation
import Tokenization

/// Assembles the chat messages: the creator's persona with the numbered passages as the system
/// message, then as much of the conversation history as fits its token budget (newest kept),
/// then the question. Counts tokens with the embedding model's WordPiece tokenizer (the chat
/// model's own tokenizer is not available here) and sizes `num_ctx` from that count with a 25 %
/// margin, in steps of 512.
struct PromptBuilder: Sendable {
    let tokenizer: WordPieceTokenizer

    struct Prompt: Sendable {
        var messages: [OllamaChatClient.Message]
        var promptTokens: Int
        var contextTokens: Int
    }

    /// `instructions`: a calling application's own system text (OpenAI clients send one), put
    /// after the persona and before the material; the closing rule stays the server's.
    func build(persona: String, instructions: String? = nil, passages: [Passage], history: [(role: String, content: String)], question: String,
               historyBudget: Int, answerTokens: Int) -> Prompt {
        var system = persona
        if let instructions, !instructions.isEmpty { system += "\n\nInstructions from the application:\n" + instructions }
        system += "\n\nCoaching material (cite as [n]):\n"
        for (number, passage) in passages.enumerated() {
            system += "\n[\(number + 1)] \(Self.label(passage))\n\(passage.text)\n"
        }
        system += "\nAnswer from this material only. If it does not cover the question, say so."
        var kept: [OllamaChatClient.Message] = []
        var used = 0
        for message in history.reversed() {
            let tokens = count(message.content)
            if used + tokens > historyBudget { break }
            used += tokens
            kept.insert(.init(role: message.role, content: message.content), at: 0)
        }
        let messages = [OllamaChatClient.Message(role: "system", content: system)] + kept + [.init(role: "user", content: question)]
        // The passages' counts come from the index (the chunker counted them); the rest is short.
        let passageTokens = passages.reduce(0) { $0 + $1.tokens + count(Self.label($1)) + 4 }
        let framing = count(persona) + (instructions.map(count) ?? 0) + 24
        let promptTokens = passageTokens + framing + used + count(question) + 4 * messages.count
        let needed = Int(Double(promptTokens) * 1.25) + answerTokens
        let contextTokens = min(131_072, max(2048, (needed + 511) / 512 * 512))
        return Prompt(messages: messages, promptTokens: promptTokens, contextTokens: contextTokens)
    }

    func count(_ text: String) -> Int { tokenizer.tokenize(text).count }

    /// `guide.pdf, pp. 3–4`
    /// "doc, p. 3" / "doc, pp. 1–4": the chunk's pages (for the prompt, which shows the whole
    /// chunk), or with `excerpt` those of the quoted excerpt.
    static func label(_ passage: Passage, excerpt: Bool = false) -> String {
        guard let start = excerpt ? passage.excerpt.pageStart : passage.pageStart else { return passage.document }
        let end = (excerpt ? passage.excerpt.pageEnd : passage.pageEnd) ?? start
        return end == start ? "\(passage.document), p. \(start)" : "\(passage.document), pp. \(start)–\(end)"
    }
}
