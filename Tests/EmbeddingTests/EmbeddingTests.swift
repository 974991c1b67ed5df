import Testing

@Suite struct EmbeddingPlaceholderTests {
    @Test func builds() { #expect(Bool(true)) }
}
