import Foundation
import Logging
@testable import Server
import Testing

/// The log line format: valid JSON, numbers as numbers, millisecond timestamps, levels.
@Suite struct JSONLogHandlerTests {
    @Test func aLineIsOneJSONObjectWithTypedFields() throws {
        let event = LogEvent(level: .info, message: "request", metadata: ["status": .stringConvertible(200), "ms": .stringConvertible(12.34),
                                                                          "path": .string("/a\"b\n"), "stream": "interrupted"],
                             source: "test", file: #file, function: #function, line: #line)
        let bytes = JSONLogHandler.line(event: event, label: "coachrag.serve", metadata: ["request_id": .string("r-1")],
                                        at: Date(timeIntervalSince1970: 1_764_621_912.345))
        #expect(bytes.last == 0x0A && bytes.filter { $0 == 0x0A }.count == 1)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(fields["ts"] as? String == "2025-12-01T20:45:12.345Z")
        #expect(fields["status"] as? Int == 200 && fields["ms"] as? Double == 12.34)
        #expect(fields["path"] as? String == "/a\"b\n" && fields["request_id"] as? String == "r-1" && fields["level"] as? String == "info")
    }

    @Test func logLevelComesFromTheEnvironmentFirst() {
        #expect(JSONLogHandler(label: "x", level: .info, environment: ["LOG_LEVEL": "debug"]).logLevel == .debug)
        #expect(JSONLogHandler(label: "x", level: .warning, environment: [:]).logLevel == .warning)
        #expect(JSONLogHandler(label: "x", level: .info, environment: ["LOG_LEVEL": "nonsense"]).logLevel == .info)
    }
}
