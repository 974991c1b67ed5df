/// English number words as the analyzer's terms, and the digits they stand for, so "two to four
/// sets" answers "2 to 4 sets" and "the first week" finds "Week 1". "one" is left out (it is
/// far more often a pronoun), and "second" (far more often a unit of time).
enum NumberWords {
    /// Cardinal term → digits ("twenty" → "20").
    static let cardinals: [String: String] = stemmed([
        "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
        "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
        "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60",
        "seventy": "70", "eighty": "80", "ninety": "90", "hundred": "100", "thousand": "1000",
    ])

    /// Ordinal term → digits ("third" → "3").
    static let ordinals: [String: String] = stemmed([
        "first": "1", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10",
    ])

    /// Digits → cardinal term ("20" → "twenti", as the analyzer stems it).
    static let spelled: [String: String] = Dictionary(cardinals.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })

    /// The other spelling of a number term, if it has one: digits for a number word, the word
    /// for digits.
    static func alias(of term: String) -> String? {
        cardinals[term] ?? ordinals[term] ?? spelled[term]
    }

    private static func stemmed(_ words: [String: String]) -> [String: String] {
        Dictionary(words.map { (PorterStep1.stem($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
