/// Whether a question asks for a number, a time, a date or a price — so the sentence that
/// answers it almost always holds a digit. English cue words; other languages get no bonus.
enum AnswerType {
    static let numericCues = [
        "how many", "how much", "how long", "how often", "how far", "how old", "how soon", "how late", "how early",
        "what time", "when ", "which day", "what day", "what date", "what age", "at what", "what percentage",
        "cost", "price", "fee", "pay", "charge",
    ]

    static func expectsNumber(_ question: String) -> Bool {
        let lowered = " " + question.lowercased() + " "
        return numericCues.contains { lowered.contains($0) }
    }
}
