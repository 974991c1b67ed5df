import Foundation
@testable import Server
import Testing

@Suite("JSON writer") struct JSONTextTests {
    @Test(arguments: ["plain", "quote \" and backslash \\", "line\nbreak\r\ttab", "control \u{01}\u{1F}", "ünïcödé — “quotes” 🧘", "", "ends with \\"])
    func stringsRoundTrip(_ text: String) throws {
        var json = JSONText()
        json.raw("{\"s\":")
        json.string(text)
        json.raw(",\"n\":"); json.number(nil)
        json.raw(",\"d\":"); json.number(0.25)
        json.raw("}")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        #expect(object["s"] as? String == text)
        #expect(object["n"] is NSNull)
        #expect(object["d"] as? Double == 0.25)
    }
}
