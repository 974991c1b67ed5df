import Testing

@Suite struct ChunkingPlaceholderTests {
    @Test func builds() { #expect(Bool(true)) }
}
