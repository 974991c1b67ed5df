/// English function words left out of the lexical index and of lexical queries: they occur in
/// nearly every chunk, so BM25 gives them almost no weight anyway, and dropping them keeps the
/// postings small and short questions ("how do I ...") from matching on noise. Prepositions of
/// time and amount ("before", "after", "over", "under", "above", "below") are kept: coaching
/// material turns on them ("3 hours before bed", "over 2.5 hours", "under 60 minutes").
enum Stopwords {
    static let english: Set<String> = [
        "a", "about", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "being", "between", "both", "but", "by",
        "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further",
        "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how",
        "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself",
        "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "own",
        "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves",
        "then", "there", "these", "they", "this", "those", "through", "to", "too", "until", "up",
        "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
        "would", "you", "your", "yours", "yourself", "yourselves", "s", "t", "d", "ll", "m", "re", "ve",
        "also", "get", "got", "let", "may", "might", "must", "shall", "tell", "us", "much", "many",
    ]
}
