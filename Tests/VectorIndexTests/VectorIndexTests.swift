import Testing

@Suite struct VectorIndexPlaceholderTests {
    @Test func builds() { #expect(Bool(true)) }
}
