/// Turns poppler's raw page texts into clean page texts: ligatures become plain letters, words
/// hyphenated across a line end are joined, and running headers/footers (lines repeated at the
/// top or bottom of most pages, page numbers) are dropped.
///
/// Hyphenation rule: a line ending in a soft hyphen (U+00AD) always joins the next line; a line
/// ending in `letter-` joins when the next line starts with a lower-case letter (`inter-\nnational`
/// → `international`). A compound split at its own hyphen (`well-\nknown`) loses the hyphen:
/// without a dictionary the two cases cannot be told apart, and joining keeps the word whole for
/// the tokenizer, which matters more for retrieval.
public enum PDFTextCleaner {
    /// Fraction of pages a top/bottom line must appear on to count as a running header/footer.
    static let repeatedLineShare = 0.6
    /// How many non-empty lines at each end of a page are candidates.
    static let edgeLines = 2

    public static func clean(pages rawPages: [String]) -> [String] {
        let pages = rawPages.map { lines(of: expandLigatures($0)) }
        let repeated = repeatedEdgeLines(pages)
        var cleaned = pages.map { joinHyphenated(dropEdges($0, repeated: repeated)) }
        joinHyphenatedAcrossPages(&cleaned)
        return cleaned.map { $0.joined(separator: "\n") }
    }

    /// A word broken at the bottom of one page continues at the top of the next: the rest of
    /// the word moves back to the page where it starts, so citations still point at whole words.
    static func joinHyphenatedAcrossPages(_ pages: inout [[String]]) {
        for index in pages.indices.dropLast() {
            guard let last = pages[index].last, let first = pages[index + 1].first,
                  joinIfSoftBreak(last, first) != nil else { continue }
            let rest = first.drop(while: { $0 == " " || $0 == "\t" })
            let fragment = rest.prefix(while: { !$0.isWhitespace })
            let remainder = rest.dropFirst(fragment.count).drop(while: { $0 == " " || $0 == "\t" })
            pages[index][pages[index].count - 1] = String(last.dropLast()) + fragment
            if remainder.isEmpty {
                pages[index + 1].removeFirst()
            } else {
                pages[index + 1][0] = String(remainder)
            }
        }
    }

    // MARK: Ligatures

    static func expandLigatures(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0xFB00 && $0.value <= 0xFB06 }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFB00: out.append(contentsOf: "ff".unicodeScalars)
            case 0xFB01: out.append(contentsOf: "fi".unicodeScalars)
            case 0xFB02: out.append(contentsOf: "fl".unicodeScalars)
            case 0xFB03: out.append(contentsOf: "ffi".unicodeScalars)
            case 0xFB04: out.append(contentsOf: "ffl".unicodeScalars)
            case 0xFB05, 0xFB06: out.append(contentsOf: "st".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    // MARK: Lines

    static func lines(of text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = Substring(line)
            while let last = line.unicodeScalars.last, last.properties.isWhitespace { line = line.dropLast() }
            return String(line)
        }
    }

    // MARK: Headers and footers

    /// A line's identity for repetition: trimmed, whitespace collapsed, and a number at either
    /// end folded to `#` (so "Handbook · 3" and "Handbook · 4" match, while body lines with a
    /// number in the middle must repeat exactly).
    static func signature(_ line: String) -> String {
        let words = line.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard !words.isEmpty else { return "" }
        func fold(_ word: String) -> String {
            word.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) ? "#" : word
        }
        var folded = words
        folded[0] = fold(folded[0])
        folded[folded.count - 1] = fold(folded[folded.count - 1])
        return folded.joined(separator: " ")
    }

    /// Digits anywhere folded to `#`, for page-number shapes.
    private static func digitsFolded(_ line: String) -> String {
        String(String.UnicodeScalarView(signature(line).unicodeScalars.map { ("0"..."9").contains($0) ? "#" : $0 }))
    }

    /// "3", "- 3 -", "Page 3", "page 3 of 10", "3 / 10", "iv".
    static func isPageNumber(_ line: String) -> Bool {
        let sig = digitsFolded(line).lowercased()
        guard !sig.isEmpty, sig.count <= 24 else { return false }
        let stripped = sig.replacingAll(["page", "of", "p.", "-", "–", "—", "/", "|", " "])
        if !stripped.isEmpty && stripped.allSatisfy({ $0 == "#" }) { return true }
        return !sig.isEmpty && sig.count <= 6 && sig.allSatisfy({ "ivxlc".contains($0) })
    }

    private static func edgeCandidates(_ lines: [String]) -> [String] {
        let nonEmpty = lines.filter { !$0.allSatisfy(\.isWhitespace) }
        return Array(nonEmpty.prefix(edgeLines)) + Array(nonEmpty.suffix(edgeLines))
    }

    static func repeatedEdgeLines(_ pages: [[String]]) -> Set<String> {
        guard pages.count >= 3 else { return [] }
        var pagesWith: [String: Int] = [:]
        for page in pages {
            for sig in Set(edgeCandidates(page).map(signature)) where !sig.isEmpty {
                pagesWith[sig, default: 0] += 1
            }
        }
        let needed = max(3, Int((Double(pages.count) * repeatedLineShare).rounded(.up)))
        return Set(pagesWith.filter { $0.value >= needed }.keys)
    }

    /// Removes header/footer lines from the top and bottom `edgeLines` non-empty lines only, so a
    /// repeated phrase in the body is never touched.
    static func dropEdges(_ lines: [String], repeated: Set<String>) -> [String] {
        var lines = lines
        func isNoise(_ line: String) -> Bool { repeated.contains(signature(line)) || isPageNumber(line) }
        for _ in 0..<edgeLines {
            while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
            if let first = lines.first, isNoise(first) { lines.removeFirst() } else { break }
        }
        for _ in 0..<edgeLines {
            while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
            if let last = lines.last, isNoise(last) { lines.removeLast() } else { break }
        }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines
    }

    // MARK: Hyphenation

    static func joinHyphenated(_ lines: [String]) -> [String] {
        var out: [String] = []
        var pending: String?
        for line in lines {
            guard var current = pending else {
                pending = line
                continue
            }
            if let joined = joinIfSoftBreak(current, line) {
                current = joined
                pending = current
            } else {
                out.append(current)
                pending = line
            }
        }
        if let pending { out.append(pending) }
        return out
    }

    private static func joinIfSoftBreak(_ line: String, _ next: String) -> String? {
        let scalars = Array(line.unicodeScalars)
        guard let last = scalars.last else { return nil }
        let nextTrimmed = next.drop(while: { $0 == " " || $0 == "\t" })
        guard let firstNext = nextTrimmed.unicodeScalars.first else { return nil }
        if last == "\u{00AD}" {
            return String(String.UnicodeScalarView(scalars.dropLast())) + nextTrimmed
        }
        guard last == "-" || last == "\u{2010}", scalars.count >= 2,
              scalars[scalars.count - 2].properties.isAlphabetic,
              firstNext.properties.isLowercase else { return nil }
        return String(String.UnicodeScalarView(scalars.dropLast())) + nextTrimmed
    }
}

private extension String {
    func replacingAll(_ needles: [String]) -> String {
        var result = self
        for needle in needles { result = result.replacing(needle, with: "") }
        return result
    }
}
