import Testing

@Suite struct IngestionPlaceholderTests {
    @Test func builds() { #expect(Bool(true)) }
}
