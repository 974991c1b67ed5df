public import Foundation

/// Reading a running `coachrag serve`'s standard error.
public enum ServerOutput {
    public struct NotListening: Error, CustomStringConvertible {
        public var output: String
        public var description: String { "coachrag serve exited without printing its address: \(output)" }
    }

    /// Reads until the server prints `listening on http://127.0.0.1:PORT` and returns the port;
    /// throws when the stream ends first (the server exited).
    public static func listeningPort(_ handle: FileHandle) throws -> Int {
        var seen = ""
        while true {
            let data = handle.availableData
            if data.isEmpty { throw NotListening(output: seen) }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: "listening on http://127.0.0.1:") {
                let digits = seen[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits), seen[range.upperBound...].count > digits.count { return port }
            }
        }
    }
}
