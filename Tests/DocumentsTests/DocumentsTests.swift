import Testing

@Suite struct DocumentsPlaceholderTests {
    @Test func builds() { #expect(Bool(true)) }
}
