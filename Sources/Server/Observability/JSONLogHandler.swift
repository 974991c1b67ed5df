import Foundation
import Logging

/// Structured logs: one JSON object per line on standard error — `ts` (UTC, milliseconds),
/// `level`, `msg`, `logger`, then the metadata sorted by key (`request_id`, `method`, `path`,
/// `status`, `ms`…). Written directly with `JSONText` (no encoder or formatter per line);
/// numbers in the metadata (`status`, `ms`) are written as JSON numbers.
struct JSONLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let label: String

    /// `LOG_LEVEL` (trace, debug, info, notice, warning, error, critical) or `level`.
    init(label: String, level: Logger.Level = .info, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        logLevel = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        FileHandle.standardError.write(Data(Self.line(event: event, label: label, metadata: metadata, at: Date())))
    }

    /// One log line, newline included.
    static func line(event: LogEvent, label: String, metadata: Logger.Metadata, at date: Date) -> [UInt8] {
        var json = JSONText(capacity: 256)
        json.raw("{\"ts\":")
        json.string(timestamp(date))
        json.raw(",\"level\":")
        json.string(event.level.rawValue)
        json.raw(",\"msg\":")
        json.string("\(event.message)")
        json.raw(",\"logger\":")
        json.string(label)
        let merged = event.metadata.map { metadata.merging($0, uniquingKeysWith: { $1 }) } ?? metadata
        for key in merged.keys.sorted() where !["ts", "level", "msg", "logger"].contains(key) {
            json.raw(",")
            json.string(key)
            json.raw(":")
            if let value = merged[key] { write(value, to: &json) }
        }
        json.raw("}\n")
        return json.bytes
    }

    private static func write(_ value: Logger.Metadata.Value, to json: inout JSONText) {
        switch value {
        case .string(let text): json.string(text)
        case .stringConvertible(let value):
            switch value {
            case let number as Int: json.number(number)
            case let number as Double: json.number(number)
            case let flag as Bool: json.raw(flag ? "true" : "false")
            default: json.string(value.description)
            }
        case .array(let values):
            json.raw("[")
            for (index, element) in values.enumerated() {
                if index > 0 { json.raw(",") }
                write(element, to: &json)
            }
            json.raw("]")
        case .dictionary(let fields):
            json.raw("{")
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { json.raw(",") }
                json.string(key)
                json.raw(":")
                if let field = fields[key] { write(field, to: &json) }
            }
            json.raw("}")
        }
    }

    /// `2026-12-01T20:45:12.345Z`.
    static func timestamp(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let milliseconds = Int((interval - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), milliseconds)
    }
}
