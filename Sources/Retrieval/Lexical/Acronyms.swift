/// Acronyms in a question ("When is the AGM?") and where a chunk spells one out ("Annual
/// general meeting"): coaching material often writes the phrase where members ask with the
/// letters, and neither BM25 nor a small dense model links the two.
enum Acronyms {
    /// The lower-cased acronyms of `text`: words of 2 to 5 capital ASCII letters (an optional
    /// trailing "s" of a plural is dropped: "PBs").
    static func of(_ text: String) -> Set<String> {
        var found: Set<String> = []
        for word in text.split(whereSeparator: { !($0.isASCII && $0.isLetter) }) {
            var letters = Substring(word)
            if letters.count > 2, letters.last == "s" { letters = letters.dropLast() }
            guard (2...5).contains(letters.count), letters.allSatisfy({ $0.isUppercase }) else { continue }
            found.insert(letters.lowercased())
        }
        return found
    }

    /// Whether consecutive `terms` begin with the letters of `acronym`, in order.
    static func spelled(_ acronym: String, in terms: ArraySlice<String>) -> Bool {
        let letters = Array(acronym)
        guard letters.count >= 2, terms.count >= letters.count else { return false }
        var start = terms.startIndex
        while start + letters.count <= terms.endIndex {
            var matched = true
            for (offset, letter) in letters.enumerated() where terms[start + offset].first != letter {
                matched = false
                break
            }
            if matched { return true }
            start += 1
        }
        return false
    }
}
