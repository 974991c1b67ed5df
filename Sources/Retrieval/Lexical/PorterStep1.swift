/// Steps 1a–1c of Porter's stemmer (1980): plurals, `-ed` / `-ing`, and a final `y` after a
/// vowel-bearing stem ("teenagers" → "teenager"; "napping" and "naps" → "nap"; "berries" and
/// "berry" → "berri"). The later steps (derivational suffixes) conflate too much for short
/// questions and are left out. ASCII lower-case words only.
enum PorterStep1 {
    static func stem(_ word: String) -> String {
        var w = Array(word.utf8)
        guard w.count > 2, w.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }

        // Step 1a.
        if ends(w, "sses") || ends(w, "ies") {
            w.removeLast(2)
        } else if ends(w, "ss") {
        } else if ends(w, "s") {
            w.removeLast()
        }

        // Step 1b.
        var cleanUp = false
        if ends(w, "eed") {
            if measure(w, upTo: w.count - 3) > 0 { w.removeLast() }
        } else if ends(w, "ed"), hasVowel(w, upTo: w.count - 2) {
            w.removeLast(2)
            cleanUp = true
        } else if ends(w, "ing"), hasVowel(w, upTo: w.count - 3) {
            w.removeLast(3)
            cleanUp = true
        }
        if cleanUp {
            if ends(w, "at") || ends(w, "bl") || ends(w, "iz") {
                w.append(0x65)
            } else if w.count >= 2, w[w.count - 1] == w[w.count - 2], isConsonant(w, w.count - 1), !"lsz".utf8.contains(w[w.count - 1]) {
                w.removeLast()
            } else if measure(w, upTo: w.count) == 1, endsConsonantVowelConsonant(w) {
                w.append(0x65)
            }
        }

        // Step 1c.
        if ends(w, "y"), hasVowel(w, upTo: w.count - 1) { w[w.count - 1] = 0x69 }
        return String(decoding: w, as: UTF8.self)
    }

    private static func ends(_ w: [UInt8], _ suffix: String) -> Bool {
        let s = Array(suffix.utf8)
        return w.count > s.count && w.suffix(s.count).elementsEqual(s)
    }

    private static func isConsonant(_ w: [UInt8], _ i: Int) -> Bool {
        switch w[i] {
        case 0x61, 0x65, 0x69, 0x6F, 0x75: return false
        case 0x79: return i == 0 ? true : !isConsonant(w, i - 1)
        default: return true
        }
    }

    /// Porter's m: the number of vowel–consonant sequences in `w[0..<end]`.
    private static func measure(_ w: [UInt8], upTo end: Int) -> Int {
        var m = 0, i = 0
        while i < end && isConsonant(w, i) { i += 1 }
        while i < end {
            while i < end && !isConsonant(w, i) { i += 1 }
            guard i < end else { break }
            m += 1
            while i < end && isConsonant(w, i) { i += 1 }
        }
        return m
    }

    private static func hasVowel(_ w: [UInt8], upTo end: Int) -> Bool {
        (0..<max(end, 0)).contains { !isConsonant(w, $0) }
    }

    /// *o: ends consonant–vowel–consonant, the last not w, x or y.
    private static func endsConsonantVowelConsonant(_ w: [UInt8]) -> Bool {
        let n = w.count
        guard n >= 3, isConsonant(w, n - 3), !isConsonant(w, n - 2), isConsonant(w, n - 1) else { return false }
        return !"wxy".utf8.contains(w[n - 1])
    }
}
