/// The document formats coachrag extracts text from. Detected from content, never from the name.
public enum DocumentFormat: String, Sendable, Codable, CaseIterable {
    case pdf
    case docx
    case txt
}

extension DocumentFormat {
    /// The format a file's name claims (`.pdf`, `.docx`, `.txt`, any case), or nil for other
    /// names (`.md`, none). The content decides what a file is; the name only raises a flag.
    public init?(claimedBy path: String) {
        let name = path.lowercased()
        if name.hasSuffix(".pdf") { self = .pdf } else if name.hasSuffix(".docx") { self = .docx } else if name.hasSuffix(".txt") { self = .txt } else { return nil }
    }
}
