import Foundation
@testable import Retrieval
import Testing
import VectorIndex

/// Fusion, follow-ups and excerpts through the one retrieval path, on real index files.
@Suite struct HybridRetrieverTests {
    let fixture = RetrievalFixture()
    let retriever = HybridRetriever(tokenizer: RetrievalFixture.tokenizer)

    /// A leans dense, B holds the rare exact term ("€180").
    func priceIndex(lexical: Bool = true) throws -> MappedIndex {
        try fixture.index([
            .init(text: "Membership of the club is good value and open to everyone.", vector: [1, 0, 0, 0]),
            .init(text: "The Riverside club membership costs €180 a year.", vector: [0, 1, 0, 0], document: 1),
            .init(text: "Stretch after every run for ten minutes.", vector: [0, 0, 1, 0], document: 2),
        ], documents: [RetrievalFixture.document("a.txt"), RetrievalFixture.document("b.txt"), RetrievalFixture.document("c.txt")], lexical: lexical)
    }

    let leaningDense: QueryEmbedding = { _ in RetrievalFixture.normalised([1, 0.9, 0, 0]) }

    @Test func hybridLetsARareExactTermWinWhereDenseAloneDoesNot() async throws {
        let index = try priceIndex()
        let query = ConversationQuery(question: "Does membership cost 180?")
        var settings = RetrievalSettings()
        settings.method = .dense
        let dense = try await retriever.retrieve(query, in: index, k: 3, settings: settings, embed: leaningDense)
        #expect(dense.hits.first?.document.path == "a.txt")
        #expect(dense.hits.allSatisfy { $0.lexical == nil })

        settings.method = .hybrid
        let hybrid = try await retriever.retrieve(query, in: index, k: 3, settings: settings, embed: leaningDense)
        #expect(hybrid.method == .hybrid)
        #expect(hybrid.hits.first?.document.path == "b.txt")
        let top = try #require(hybrid.hits.first)
        #expect(top.lexical?.rank == 1)
        #expect(top.dense?.rank == 2)
        #expect(top.excerpt.text == "The Riverside club membership costs €180 a year.")

        settings.method = .lexical
        let lexical = try await retriever.retrieve(query, in: index, k: 3, settings: settings, embed: { _ in Issue.record("lexical-only must not embed"); return [] })
        #expect(lexical.hits.map(\.document.path).first == "b.txt")
        #expect(lexical.hits.allSatisfy { $0.dense == nil })
    }

    @Test func formatOneZeroIndexesSearchDenseOnly() async throws {
        let index = try priceIndex(lexical: false)
        let result = try await retriever.retrieve(ConversationQuery(question: "Does membership cost 180?"), in: index, k: 3, settings: RetrievalSettings(), embed: leaningDense)
        #expect(result.hits.first?.document.path == "a.txt")
    }

    /// A question asks with the letters ("AGM") where the handout spells the phrase out: of two
    /// calendar chunks alike in every other word, the one that spells it wins, though the dense
    /// side leans the other way.
    @Test func anAcronymFindsTheChunkThatSpellsItOut() async throws {
        let index = try fixture.index([
            .init(text: "Riverside club calendar. Summer barbecue: Saturday 20 June at the boathouse.", vector: [1, 0, 0, 0]),
            .init(text: "Riverside club calendar. Annual general meeting: Thursday 12 March at the boathouse.", vector: [0.9, 0.44, 0, 0], document: 1),
        ], documents: [RetrievalFixture.document("summer.pdf"), RetrievalFixture.document("agm.pdf")])
        let result = try await retriever.retrieve(ConversationQuery(question: "When is the Riverside club AGM?"), in: index, k: 2,
                                                  settings: RetrievalSettings(), embed: { _ in RetrievalFixture.normalised([1, 0, 0, 0]) })
        let top = try #require(result.hits.first)
        #expect(top.document.path == "agm.pdf", "\(result.hits.map { ($0.document.path, $0.score, $0.dense?.score ?? 0, $0.lexical?.score ?? 0) })")
        #expect(top.excerpt.text.contains("Annual general meeting: Thursday 12 March"))
    }

    @Test func acronymsAreCapitalWordsAndAreSpelledByConsecutiveInitials() {
        #expect(Acronyms.of("When is the AGM? Any PBs at the 5K, or HRV tips? I ask A lot") == ["agm", "pb", "hrv"])
        let terms = ["club", "annual", "general", "meet", "thursday"][...]
        #expect(Acronyms.spelled("agm", in: terms))
        #expect(!Acronyms.spelled("amg", in: terms) && !Acronyms.spelled("agmx", in: terms))
    }

    /// Two near-duplicate handouts; the follow-up names only what differs.
    func sleepIndex() throws -> MappedIndex {
        try fixture.index([
            .init(text: "Adults need seven to nine hours of sleep.", vector: [1, 0, 0, 0]),
            .init(text: "Teenagers need eight to ten hours of sleep.", vector: [0.8, 0.6, 0, 0], document: 1),
            .init(text: "Teenagers who play football train on Tuesdays.", vector: [0, 0, 1, 0], document: 2),
            .init(text: "Protein: eat 1.6 grams per kilogram.", vector: [0, 0, 0, 1], document: 3),
        ], documents: ["adults.txt", "teens-sleep.txt", "teens-football.txt", "protein.txt"].map { RetrievalFixture.document($0) })
    }

    /// A toy embedder: the topic dimensions its words light up.
    let topical: QueryEmbedding = { text in
        let t = text.lowercased()
        var v: [Float] = [0.05, 0.05, 0.05, 0.05]
        if t.contains("sleep") { v[0] += 1 }
        if t.contains("teen") { v[1] += 0.5; v[2] += 0.5 }
        if t.contains("protein") { v[3] += 1 }
        return RetrievalFixture.normalised(v)
    }

    @Test func followUpBorrowsTheTopicOfThePreviousTurn() async throws {
        let index = try sleepIndex()
        let context = [Turn(role: .user, content: "How many hours of sleep do adults need?"), Turn(role: .assistant, content: "Seven to nine.")]
        let followUp = try await retriever.retrieve(ConversationQuery(question: "And for teenagers?", context: context), in: index, k: 2, settings: RetrievalSettings(), embed: topical)
        #expect(followUp.usedContext)
        #expect(followUp.query == "How many hours of sleep do adults need?\nAnd for teenagers?")
        #expect(followUp.hits.first?.document.path == "teens-sleep.txt")
    }

    @Test func aQuestionThatChangesTheSubjectIsNotPulledBack() async throws {
        let index = try sleepIndex()
        let context = [Turn(role: .user, content: "How many hours of sleep do teenagers need?")]
        let result = try await retriever.retrieve(ConversationQuery(question: "How much protein per kilogram should I eat?", context: context),
                                                  in: index, k: 2, settings: RetrievalSettings(), embed: topical)
        #expect(result.hits.first?.document.path == "protein.txt")
    }

    @Test func excerptCitesThePageOfTheQuotedSentence() async throws {
        let text = "Sleep hygiene starts with a routine.\n\nKeep the room cool.\u{000C}Teenagers need eight to ten hours. Screens off at nine."
        let scalars = Array(text.unicodeScalars)
        let secondPage = (scalars.firstIndex(of: "\u{000C}") ?? 0) + 1
        let document = RetrievalFixture.document("guide.pdf", pages: [PageStart(start: 0, number: 1), PageStart(start: UInt32(secondPage), number: 2)])
        let index = try fixture.index([.init(text: text, vector: [1, 0]), .init(text: "Unrelated words here.", vector: [0, 1])], documents: [document])
        let result = try await retriever.retrieve(ConversationQuery(question: "How many hours do teenagers need?"), in: index, k: 1, settings: RetrievalSettings(),
                                                  embed: { _ in [1, 0] })
        let hit = try #require(result.hits.first)
        #expect(hit.chunk.pageStart == 1 && hit.chunk.pageEnd == 2)
        #expect(hit.excerpt.text.hasPrefix("Teenagers need eight to ten hours."))
        #expect(hit.excerpt.pageStart == 2 && hit.excerpt.pageEnd == 2)
        #expect(hit.excerpt.start == secondPage)
        #expect(String(String.UnicodeScalarView(scalars[hit.excerpt.start..<hit.excerpt.end])).hasPrefix("Teenagers need"))
    }

    @Test func aNumberWrittenInWordsAnswersAHowManyQuestion() async throws {
        let text = "Do two to four sets. Add sets gradually, by 5 percent a week."
        let index = try fixture.index([.init(text: text, vector: [1, 0]), .init(text: "Unrelated words here.", vector: [0, 1])],
                                      documents: [RetrievalFixture.document("strength.txt")])
        let result = try await retriever.retrieve(ConversationQuery(question: "How many sets?"), in: index, k: 1, settings: RetrievalSettings(),
                                                  embed: { _ in [1, 0] })
        #expect(result.hits.first?.excerpt.text == "Do two to four sets.")
    }

    @Test func hostileQuestionsGetAnAnswerNotACrash() async throws {
        let index = try sleepIndex()
        for question in ["", "?!...", String(repeating: "sleep ", count: 2_000), "睡眠はどのくらい必要ですか", "🙂🙂🙂"] {
            let turns = (0..<300).map { Turn(role: $0 % 2 == 0 ? .user : .assistant, content: "turn \($0) about sleep") }
            let result = try await retriever.retrieve(ConversationQuery(question: question, context: turns), in: index, k: 3, settings: RetrievalSettings(), embed: topical)
            #expect(result.hits.count <= 3)
            #expect((0...1).contains(result.confidence))
        }
        #expect(ConversationQuery(question: String(repeating: "a", count: 9_000)).question.count == ConversationQuery.maxCharacters)
        #expect(ConversationQuery(question: "x", context: (0..<500).map { _ in Turn(role: .user, content: "y") }).context.count == ConversationQuery.maxTurns)
    }

    @Test func confidenceSeparatesCoveredFromUnrelatedQuestions() {
        #expect(Confidence.of(denseScores: [0.6, 0.4, 0.3], lexicalCoverage: 1) > 0.9)
        #expect(Confidence.of(denseScores: [0.05, 0.04], lexicalCoverage: 0.2) < 0.1)
        // Rare words all present lift a blurred dense match…
        #expect(Confidence.of(denseScores: [0.2], lexicalCoverage: 1) == 1)
        // …but one stray shared word does not lift an unrelated one.
        #expect(Confidence.of(denseScores: [0.08], lexicalCoverage: 1) < 0.25)
        #expect(Confidence.of(denseScores: [], lexicalCoverage: nil) == 0)
    }
}
