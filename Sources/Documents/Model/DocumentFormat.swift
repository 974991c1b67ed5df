/// The document formats coachrag extracts text from. Detected from content, never from the name.
public enum DocumentFormat: String, Sendable, Codable, CaseIterable {
    case pdf
    case docx
    case txt
}
